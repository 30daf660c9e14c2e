"""Link mode's refusals as phone screens: bad or used codes, stale forms, rate limits."""

from flask import g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from werkzeug.exceptions import HTTPException

from kiosk import link_bp
from kiosk.link import choose_language, render_link
from surveys.channels.dead_codes import way_forward
from surveys.db import db
from surveys.errors import (
    BUSY_MESSAGE,
    AlreadyAnswered,
    CodeExpired,
    CodeInvalid,
    CodeRetired,
    NoSurveyHere,
    SubmissionError,
)
from surveys.languages import SUPPORTED_LANGUAGES

DEAD_CODES = (CodeInvalid, CodeExpired, CodeRetired, NoSurveyHere)


def _fallback_language() -> None:
    if not g.get("language"):
        g.language = request.accept_languages.best_match(SUPPORTED_LANGUAGES) or "en"


@link_bp.errorhandler(SubmissionError)
def link_submission_error(error: SubmissionError):
    """A refused code or answer, said kindly; nothing of it is kept."""
    db.session.rollback()
    if isinstance(error, DEAD_CODES):
        return _dead_code(error)
    _fallback_language()
    if isinstance(error, AlreadyAnswered):
        return render_link("already_answered", error.status, location=g.get("link_location"))
    messages = list(error.errors.values())
    return render_link("error", error.status, messages=messages, start_url=g.get("link_start"))


def _dead_code(error: SubmissionError):
    """A code that opens nothing: its shop and poster when it is genuine, else plain words."""
    way = way_forward(error, (request.view_args or {}).get("code", ""))
    if way.location is not None and not g.get("language"):
        choose_language(way.location)
        refresh()  # the error's message was translated before the shop's languages were known
    _fallback_language()
    poster = url_for("link.poster_open", code=way.poster_code) if way.poster_code else None
    return render_link(
        "code_invalid",
        error.status,
        location=way.location,
        expired=isinstance(error, CodeExpired),
        days=getattr(error, "valid_days", None),
        poster_url=poster,
        from_poster=(request.endpoint or "").startswith("link.poster"),
    )


HTTP_MESSAGES = {
    403: _l("You may not do this here."),
    413: _l("That was too much to send at once."),
    429: _l("Too many requests. Please wait a moment."),
    503: BUSY_MESSAGE,
}


@link_bp.errorhandler(HTTPException)
def link_http_error(error: HTTPException):
    """Refusals by the web layer (cross-site, too big, too many) as a phone screen."""
    db.session.rollback()
    _fallback_language()
    message = HTTP_MESSAGES.get(error.code, _l("The request could not be handled."))
    start_url = g.get("link_start")
    return render_link("error", error.code, messages=[str(message)], start_url=start_url)
