"""The customer blueprint: the tablet at the checkout (and, later, the phone via a QR code)."""

from pathlib import Path

from flask import Blueprint

from kiosk.release import kiosk_release_version

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.record_once
def _compute_release(state) -> None:
    """Hash the kiosk's files once, when the app is built; a test config may set it."""
    state.app.config.setdefault("KIOSK_VERSION", kiosk_release_version(Path(state.app.root_path)))


from kiosk import errors, exit_pin, offline, pairing, views  # noqa: E402,F401  (routes register on import)
