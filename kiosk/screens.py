"""Rendering a kiosk screen: the partial for htmx, the whole page otherwise."""

import uuid

from flask import g, make_response, render_template, request

from kiosk import bp
from surveys.answers import CONSENT_TEXT
from surveys.branding import brand_of
from surveys.languages import LANGUAGE_NAMES, localized, text_direction
from surveys.scales import FACE_LABELS


def render_screen(screen: str, status: int = 200, page: str = "kiosk/page.html", **context):
    """The screen's partial when htmx swaps it in, else the page that includes it."""
    template = f"kiosk/_{screen}.html"
    language = g.get("language", "en")
    context.update(language=language, direction=text_direction(language))
    if context.get("location") is not None:
        context.setdefault("brand", brand_of(context["location"]))
    if request.headers.get("HX-Request-Type") == "partial":
        body = render_template(template, **context)
    else:
        body = render_template(page, screen_template=template, **context)
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request-Type, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response


def render_unpaired(revoked: bool):
    """The page an unpaired or revoked browser gets instead of the survey."""
    g.language = request.accept_languages.best_match(list(LANGUAGE_NAMES)) or "en"
    return render_screen("unpaired", status=403, revoked=revoked)


@bp.context_processor
def _kiosk_template_helpers():
    """What every kiosk template may use."""
    return {
        "localized": localized,
        "language_names": LANGUAGE_NAMES,
        "new_uuid": lambda: str(uuid.uuid4()),
        "face_labels": FACE_LABELS,
        "consent_text": CONSENT_TEXT,
        "values": {},
        "errors": None,
        # Link mode (kiosk/link.py) points the shared screens at its own URLs.
        "follow_up_url": None,
        "form_token": None,
        "language_url": None,
        "start_url": None,
    }
