"""The tills' API: POST /api/v1/receipts mints a receipt code and its QR code.

JSON in, JSON out, every error as JSON with a 4xx (the app's HTTP error handler answers
JSON under /api/ too: a 404, 405 or 413). A per-location key in the
Authorization header (Bearer) stands in for a session, so there is no CSRF token: a
browser never holds the key, and a cross-site page cannot set the header.
"""

from flask import jsonify, request
from flask_babel import gettext as _

from api import bp
from api.auth import api_rate_limit, require_key
from surveys.channels.tills import receipt_for_till
from surveys.db import db
from surveys.errors import SubmissionError

MAX_BODY_BYTES = 4 * 1024


def _json_error(status: int, message: str, errors: dict | None = None):
    """The API's error body: a sentence, and {field: message} when fields are wrong."""
    return jsonify({"error": message, "errors": errors or {}}), status


@bp.before_request
def _limit_body_size():
    """A receipt request is a few hundred bytes; anything far bigger is refused unread."""
    request.max_content_length = MAX_BODY_BYTES


@bp.post("/receipts")
@api_rate_limit
def receipts_create():
    """Mint a code for one receipt: {"till", "receipt_number", ...} -> URL and QR."""
    api_key = require_key("receipts")
    if not request.is_json:
        return _json_error(415, _("Send the request as application/json."))
    body = request.get_json()  # unreadable or too deeply nested: a 400 saying so (wsgi.py)
    if not isinstance(body, dict):
        return _json_error(400, _("The body must be a JSON object."))
    result = receipt_for_till(api_key, body)
    db.session.commit()
    return jsonify(result), 201


@bp.errorhandler(SubmissionError)
def api_submission_error(error: SubmissionError):
    """Invalid fields as {"error", "errors": {field: message}}; nothing is stored."""
    db.session.rollback()
    errors = {name: str(message) for name, message in error.errors.items()}
    return _json_error(error.status, _("The request has errors."), errors)
