"""Rendering a kiosk screen: the partial for htmx, the whole page otherwise."""

import uuid
from types import SimpleNamespace

from flask import g, make_response, render_template, request
from flask_babel import refresh

from kiosk import bp
from surveys.capture.answers import CONSENT_TEXT
from surveys.capture.next_screen import next_screen, next_screen_for
from surveys.labels import FACE_LABELS
from surveys.languages import LANGUAGE_NAMES, localized, text_direction
from surveys.models import Channel, Location, QuestionKind, Survey
from surveys.places.branding import brand_of

# Stands for the response id in the screens a start page carries; the tablet writes it in.
PLACEHOLDER_RESPONSE_ID = "00000000-0000-4000-8000-000000000000"


def _no_store(response):
    response.headers["Vary"] = "HX-Request-Type, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response


def use_language(language: str) -> str:
    """Render everything after this in the language, whatever was translated before it."""
    g.language = language
    refresh()  # Flask-Babel keeps the locale of the first word it translated in a request
    return language


def render_screen(screen: str, status: int = 200, page: str = "kiosk/page.html", **context):
    """The screen's partial when htmx swaps it in, else the page that includes it."""
    template = f"kiosk/_{screen}.html"
    language = g.get("language", "en")
    context.update(language=language, direction=text_direction(language))
    if request.headers.get("HX-Request-Type") == "partial":
        body = render_template(template, **context)
    else:
        if context.get("location") is not None:  # the page's look; a swapped screen has none
            context.setdefault("brand", brand_of(context["location"]))
        body = render_template(page, screen_template=template, **context)
    return _no_store(make_response(body, status))


def render_next_screen(response, status: int = 200, page: str = "kiosk/page.html", **form_state):
    """The screen a response is at, in its language: its follow-up or praise, else thanks."""
    use_language(response.language)
    shown = next_screen_for(response, form_state.get("values"))
    location = response.location
    return render_screen(
        shown.name,
        status,
        page,
        response=response,
        location=location,
        staff=location.active_staff() if _asks_for_staff(shown.questions) else [],
        questions=shown.questions,
        conditions=shown.conditions,
        manager_coming=shown.manager_coming,
        **form_state,
    )


def _asks_for_staff(questions) -> bool:
    return any(question.kind == QuestionKind.STAFF for question in questions)


def render_partial(template: str, status: int = 200, **context):
    """A piece of a kiosk page alone, for an htmx swap outside the screen."""
    return _no_store(make_response(render_template(template, **context), status))


def render_unpaired(revoked: bool):
    """The page an unpaired or revoked browser gets instead of the survey."""
    use_language(request.accept_languages.best_match(list(LANGUAGE_NAMES)) or "en")
    return render_screen("unpaired", status=403, revoked=revoked)


def offline_screens(survey: Survey, location: Location) -> dict:
    """What a start page carries so the tablet can go on alone: rules as data, screens.

    Conditions may open other questions for each rating, so each rating that opens a
    follow-up gets its own server-rendered screen."""
    outcomes, screens = {}, []
    for rating in survey.main_question.rating_range:
        shown = next_screen(survey, rating, Channel.KIOSK, location, live=False)
        screen = "thanks"
        if shown.name != "thanks":
            screen = f"{shown.name}-{rating}"
            response = SimpleNamespace(uuid=PLACEHOLDER_RESPONSE_ID, is_negative=shown.negative)
            screens.append(
                SimpleNamespace(
                    name=screen,
                    kind=shown.name,
                    questions=shown.questions,
                    conditions=shown.conditions,
                    response=response,
                )
            )
        outcomes[rating] = {"negative": shown.negative, "screen": screen}
    worst = next_screen(
        survey,
        survey.main_question.rating_range[0],
        Channel.KIOSK,
        location,
        finished=True,
        live=False,
    )
    return {
        "outcomes": outcomes,
        "screens": screens,
        "manager_coming": worst.manager_coming,
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
        # Link mode (kiosk/link.py) points the shared screens at its own URLs.
        "follow_up_url": None,
        "form_token": None,
        "language_url": None,
        "start_url": None,
    }
