"""Who calls the API: a location's key in the Authorization header, with the scope a route
needs, and at most API_RATE_LIMIT requests per key (per client address without a valid one)."""

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from api import bp
from surveys.channels.tills import api_key_for
from surveys.models import ApiKey
from surveys.ratelimit import client_network, limiter

DEFAULT_API_LIMIT = "120 per minute;5000 per hour"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="counterpulse"'}


class ApiRefused(Exception):
    """The request's key is missing, unknown, revoked (401) or lacks the scope (403)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _bearer() -> str:
    """The key the Authorization header carries, or ''."""
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def _request_key() -> ApiKey | None:
    """The request's active key, looked up once per request."""
    if "api_key" not in g:
        g.api_key = api_key_for(_bearer())
    return g.api_key


def require_key(scope: str) -> ApiKey:
    """The request's active key, if it has the scope; else ApiRefused."""
    api_key = _request_key()
    if api_key is None:
        raise ApiRefused(401, _("Unknown or revoked API key."))
    if not api_key.allows(scope):
        raise ApiRefused(
            403, _("This API key may not do this; it lacks the scope “%(scope)s”.", scope=scope)
        )
    return api_key


def _client_key() -> str:
    """Count per active key (by id: no secret sits in the counter store), else per address,
    so a client guessing keys shares one budget however many it tries."""
    api_key = _request_key()
    if api_key is not None:
        return f"api-key:{api_key.id}"
    return "api-address:" + client_network()


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_API_LIMIT)


# Every API route shares one budget per key.
api_rate_limit = limiter.shared_limit(_api_limit, scope="api", key_func=_client_key)


@bp.errorhandler(ApiRefused)
def api_refused(error: ApiRefused):
    """401 with a Bearer challenge, or 403, as JSON."""
    headers = CHALLENGE if error.status == 401 else {}
    return jsonify({"error": error.message, "errors": {}}), error.status, headers


@bp.errorhandler(429)
def api_too_many_requests(_error):
    """Over the key's budget: JSON, translated; Retry-After says when to try again."""
    message = _("Too many requests. Please wait a moment.")
    return jsonify({"error": message, "errors": {}}), 429
