"""The customer blueprints: the tablet at the checkout, and the phone via a QR code.

`bp` is the tablet (kiosk mode, under /kiosk). `link_bp` is link mode, the survey a
receipt or poster QR code opens on the customer's phone, at short paths (/r/..., /p/...)
so the codes stay small. What tills call is the api/ blueprint.
"""

from pathlib import Path

from flask import Blueprint

from kiosk.release import kiosk_release_version

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
link_bp = Blueprint("link", __name__)


@bp.record_once
def _compute_release(state) -> None:
    """Hash the kiosk's files once, when the app is built; a test config may set it."""
    state.app.config.setdefault("KIOSK_VERSION", kiosk_release_version(Path(state.app.root_path)))


from kiosk import (  # noqa: E402,F401  (routes register on import)
    branding,
    errors,
    exit_pin,
    link,
    link_errors,
    offline,
    pairing,
    posters,
    receipts,
    views,
)
