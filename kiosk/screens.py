"""Rendering a kiosk screen: the partial for htmx, the whole page otherwise."""

import uuid
from types import SimpleNamespace

from flask import g, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from kiosk import bp
from surveys.answers import CONSENT_TEXT
from surveys.capture import tap_outcome
from surveys.languages import LANGUAGE_NAMES, localized, text_direction
from surveys.models import Location, ShownWhen, Survey

FACE_LABELS = {
    1: _l("Very unhappy"),
    2: _l("Unhappy"),
    3: _l("Okay"),
    4: _l("Happy"),
    5: _l("Very happy"),
}
# Stands for the response id in the screens a start page carries; the tablet writes it in.
PLACEHOLDER_RESPONSE_ID = "00000000-0000-4000-8000-000000000000"


def _no_store(response):
    response.headers["Vary"] = "HX-Request-Type, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response


def render_screen(screen: str, status: int = 200, **context):
    """The screen's partial when htmx swaps it in, else the page that includes it."""
    template = f"kiosk/_{screen}.html"
    language = g.get("language", "en")
    context.update(language=language, direction=text_direction(language))
    if request.headers.get("HX-Request-Type") == "partial":
        body = render_template(template, **context)
    else:
        body = render_template("kiosk/page.html", screen_template=template, **context)
    return _no_store(make_response(body, status))


def render_partial(template: str, status: int = 200, **context):
    """A piece of a kiosk page alone, for an htmx swap outside the screen."""
    return _no_store(make_response(render_template(template, **context), status))


def render_unpaired(revoked: bool):
    """The page an unpaired or revoked browser gets instead of the survey."""
    g.language = request.accept_languages.best_match(list(LANGUAGE_NAMES)) or "en"
    return render_screen("unpaired", status=403, revoked=revoked)


def _screen_after_tap(survey: Survey, rating: int) -> dict:
    """Which screen a rating leads to, and whether it is negative, as the tablet needs it."""
    outcome = tap_outcome(survey, rating)
    if outcome.follow_up is None:
        screen = "thanks"
    else:
        screen = "follow_up" if outcome.negative else "praise"
    return {"negative": outcome.negative, "screen": screen}


def offline_screens(survey: Survey, location: Location) -> dict:
    """What a start page carries so the tablet can go on alone: rules as data, screens."""
    question = survey.main_question
    return {
        "outcomes": {r: _screen_after_tap(survey, r) for r in question.rating_range},
        "placeholder": SimpleNamespace(uuid=PLACEHOLDER_RESPONSE_ID),
        "negative_questions": survey.questions_shown_when(ShownWhen.NEGATIVE),
        "positive_questions": survey.questions_shown_when(ShownWhen.POSITIVE),
        "staff": location.active_staff(),
    }


@bp.context_processor
def _kiosk_template_helpers():
    """What every kiosk template may use."""
    return {
        "localized": localized,
        "language_names": LANGUAGE_NAMES,
        "new_uuid": lambda: str(uuid.uuid4()),
        "face_labels": FACE_LABELS,
        "consent_text": CONSENT_TEXT,
        "placeholder_response_id": PLACEHOLDER_RESPONSE_ID,
        "values": {},
        "errors": None,
    }
