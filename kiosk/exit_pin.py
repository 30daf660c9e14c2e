"""Leaving kiosk mode: a PIN pad behind a long press, checked against the location's PIN."""

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk import bp
from kiosk.device import device_required
from kiosk.forms import first, strict_form
from kiosk.screens import render_partial, use_language
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.places.kiosk_exit import exit_pin_matches
from surveys.ratelimit import limiter

EXIT_ATTEMPTS = "10 per minute"


@bp.post("/exit")
@limiter.limit(EXIT_ATTEMPTS)
@device_required
def exit_create():
    """The right PIN leaves for a plain page; a wrong one shows the pad again."""
    location = g.device.location
    fields = strict_form()
    # The pad answers in the language it was shown in, the one the customer chose.
    language = first(fields, "language")
    use_language(language if language in location.languages else location.default_language)
    pin = first(fields, "pin") or ""
    if not exit_pin_matches(location, pin):
        error = _("That PIN is not right.") if location.exit_pin_hash else _("No PIN is set.")
        return render_partial("kiosk/_exit_pin.html", 422, error=error)
    target = url_for("kiosk.exited")
    if request.headers.get("HX-Request"):
        response = render_partial("kiosk/_exit_pin.html", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


@bp.get("/exited")
def exited():
    """A plain page outside kiosk mode, with the way back."""
    g.language = request.accept_languages.best_match(SUPPORTED_LANGUAGES) or "en"
    return render_template("kiosk/exited.html")
