"""The customer blueprint: the tablet at the checkout (and, later, the phone via a QR code)."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

from kiosk import branding, errors, pairing, views  # noqa: E402,F401  (routes register on import)
