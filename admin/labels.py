"""Translated names for the values admin pages show: roles, tablet states, audit actions."""

from flask_babel import lazy_gettext as _l

from admin import bp
from surveys.languages import LANGUAGE_NAMES
from surveys.models import Role

ROLE_LABELS = {
    Role.OWNER: _l("Owner"),
    Role.MANAGER: _l("Manager"),
    Role.STAFF: _l("Staff (reads the inbox)"),
}

DEVICE_STATUS_LABELS = {
    "paired": _l("Paired"),
    "waiting": _l("Waiting for pairing"),
    "expired": _l("Pairing link expired"),
    "revoked": _l("Revoked"),
}


@bp.context_processor
def _labels():
    """What admin templates use to name things."""
    return {
        "role_labels": ROLE_LABELS,
        "device_status_labels": DEVICE_STATUS_LABELS,
        "language_names": LANGUAGE_NAMES,
    }
