"""Which tablet is asking: the long-lived device cookie, and the same-origin guard on posts.

Kiosk posts carry no expiring CSRF token: a tablet left open for days must take the first
tap of the morning. Cross-site forgery is stopped instead by the SameSite device cookie and
by refusing posts that the browser marks as cross-site (Sec-Fetch-Site, else Origin).
"""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, request

from kiosk.screens import render_unpaired
from surveys.places.devices import device_for_token

DEVICE_COOKIE = "counterpulse_device"
# Browsers cap cookie lifetimes at 400 days; the cookie is re-set on every start screen.
DEVICE_COOKIE_MAX_AGE = timedelta(days=400)


def set_device_cookie(response, token: str) -> None:
    """Store the device token in an HttpOnly cookie only the kiosk paths receive."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["DEVICE_COOKIE_SECURE"] or request.is_secure,
        path="/kiosk",
    )


def is_same_origin_request() -> bool:
    """False when the browser says this request came from another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def device_required(view):
    """Run the view with g.device set, or show the unpaired page; refuse cross-site posts."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and not is_same_origin_request():
            abort(403)
        device = device_for_token(request.cookies.get(DEVICE_COOKIE))
        if device is None or not device.is_active:
            return render_unpaired(revoked=device is not None)
        g.device = device
        return view(*args, **kwargs)

    return wrapped
