"""Kiosk tablets: creating, pairing by a one-time code, recognising and revoking them."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Device, Location, utcnow
from surveys.people.audit import Actor

PAIRING_CODE_LIFETIME = timedelta(hours=24)
MAX_NAME_LENGTH = 80


def _digest(secret: str) -> str:
    """SHA-256 of a random secret; enough for high-entropy tokens, unlike passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_device(location: Location, name: str) -> tuple[Device, str]:
    """A new, unpaired device and its one-time pairing code."""
    device = Device(location=location, name=name)
    db.session.add(device)
    return device, issue_pairing_code(device)


def issue_pairing_code(device: Device) -> str:
    """A fresh one-time pairing code; any earlier code stops working."""
    code = secrets.token_urlsafe(24)
    device.pairing_code_hash = _digest(code)
    device.pairing_expires_at = utcnow() + PAIRING_CODE_LIFETIME
    return code


def device_for_pairing_code(code: str) -> Device | None:
    """The device an unexpired pairing code belongs to, if any."""
    device = db.session.scalar(select(Device).where(Device.pairing_code_hash == _digest(code)))
    if device is None or device.revoked_at is not None:
        return None
    if device.pairing_expires_at is None or device.pairing_expires_at < utcnow():
        return None
    return device


def pair_device(device: Device) -> str:
    """Use up the pairing code and return the long-lived device token for the cookie."""
    token = secrets.token_urlsafe(32)
    device.token_hash = _digest(token)
    device.pairing_code_hash = None
    device.pairing_expires_at = None
    device.paired_at = utcnow()
    return token


# With its location and the location's staff, which the screens that ask who served list:
# one query (a row per staff member) for what a kiosk request reads, before it writes. The
# branding is read by the pages that show it (surveys/places/branding.py), not by the
# screens a tap swaps in.
_DEVICE_BY_TOKEN = (
    select(Device)
    .options(joinedload(Device.location).joinedload(Location.staff))
    .where(Device.token_hash == bindparam("token_hash"))
)


def device_for_token(token: str | None) -> Device | None:
    """The device a cookie's token names, paired or revoked; None when unknown."""
    if not token:
        return None
    found = db.session.scalars(_DEVICE_BY_TOKEN, {"token_hash": _digest(token)})
    return found.unique().one_or_none()


def revoke_device(device: Device) -> None:
    """Stop a device from submitting; its cookie becomes worthless."""
    device.revoked_at = utcnow()
    device.pairing_code_hash = None


def devices_of(location: Location) -> Select:
    """The location's tablets, revoked ones last, newest first."""
    return (
        select(Device)
        .where(Device.location_id == location.id)
        .order_by(Device.revoked_at.is_not(None), Device.created_at.desc(), Device.id.desc())
    )


def add_device(location: Location, name: str, actor: Actor) -> tuple[Device, str]:
    """A new tablet for the location and its one-time pairing code, from the admin."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        message = _("A tablet needs a name of 1 to %(count)d characters.", count=MAX_NAME_LENGTH)
        raise SubmissionInvalid({"name": message})
    device, code = create_device(location, name)
    db.session.flush()
    actor.record("device.created", location_id=location.id, device_id=device.id)
    return device, code


def renew_pairing_code(device: Device, actor: Actor) -> str:
    """A fresh pairing code to pair (or re-pair) a tablet; refused for a revoked one."""
    if device.revoked_at is not None:
        message = _("This tablet was revoked; add a new tablet instead.")
        raise SubmissionInvalid({"device": message})
    code = issue_pairing_code(device)
    actor.record("device.pairing_code", location_id=device.location_id, device_id=device.id)
    return code


def revoke(device: Device, actor: Actor) -> None:
    """Disconnect a tablet at once and audit it; revoking twice changes nothing."""
    if device.revoked_at is None:
        revoke_device(device)
        actor.record("device.revoked", location_id=device.location_id, device_id=device.id)
