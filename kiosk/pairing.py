"""Pairing a tablet: a one-time link that leaves a long-lived device cookie behind."""

from flask import abort, g, redirect, request, url_for

from kiosk import bp
from kiosk.device import is_same_origin_request, set_device_cookie
from kiosk.screens import render_screen
from surveys.db import db
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.places.devices import device_for_pairing_code, pair_device


def _device_or_invalid_page(code: str):
    g.language = request.accept_languages.best_match(SUPPORTED_LANGUAGES) or "en"
    return device_for_pairing_code(code)


@bp.get("/pair/<code>")
def pair_confirm(code: str):
    """Ask before pairing, so a link preview or a scanner cannot use the code up."""
    device = _device_or_invalid_page(code)
    if device is None:
        return render_screen("pairing_invalid", status=404)
    return render_screen("pair", device=device, code=code)


@bp.post("/pair/<code>")
def pair_submit(code: str):
    """Pair this browser as the device and open its start screen."""
    if not is_same_origin_request():
        abort(403)
    device = _device_or_invalid_page(code)
    if device is None:
        return render_screen("pairing_invalid", status=404)
    token = pair_device(device)
    db.session.commit()
    response = redirect(url_for("kiosk.start"), code=303)
    set_device_cookie(response, token)
    return response
