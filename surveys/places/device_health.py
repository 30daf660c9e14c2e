"""How each kiosk tablet is doing: its heartbeat, and online or offline by its last contact."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from surveys.capture.answers import clean_text
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Device, utcnow

# A tablet beats every minute; three missed beats and it counts as offline.
OFFLINE_AFTER = timedelta(minutes=3)
SEEN_EVERY = timedelta(seconds=30)
MAX_ERROR_LENGTH = 300
MAX_VERSION_LENGTH = 64
MAX_QUEUE_LENGTH = 1_000_000
MAX_CLOCK_SKEW = 100 * 366 * 24 * 3600  # a tablet's clock may be wrong, but not past 1926


@dataclass(frozen=True)
class Heartbeat:
    """What a tablet reports, as the text fields it posts."""

    app_version: str | None = None
    queue_length: str | None = None
    battery_percent: str | None = None
    battery_charging: str | None = None
    clock_skew_seconds: str | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class DeviceHealth:
    """One tablet's state as the devices page shows it."""

    device: Device
    online: bool
    last_seen_at: datetime | None
    queue_length: int | None
    battery_percent: int | None
    battery_charging: bool | None
    app_version: str | None
    last_error: str | None
    clock_skew_seconds: int | None


def _whole_number(value: str | None, field: str, low: int, high: int, errors) -> int | None:
    if value is None or value == "":
        return None
    text = value.strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or not low <= int(text) <= high:
        errors[field] = _("This value is not a number we expect.")
        return None
    return int(text)


def record_heartbeat(device: Device, beat: Heartbeat) -> Device:
    """Store what the tablet reported and when; refuse the whole beat if a field is wrong."""
    errors: dict[str, str] = {}
    queue_length = _whole_number(beat.queue_length, "queue_length", 0, MAX_QUEUE_LENGTH, errors)
    battery = _whole_number(beat.battery_percent, "battery_percent", 0, 100, errors)
    skew = _whole_number(
        beat.clock_skew_seconds, "clock_skew_seconds", -MAX_CLOCK_SKEW, MAX_CLOCK_SKEW, errors
    )
    if beat.battery_charging not in (None, "", "true", "false"):
        errors["battery_charging"] = _("This value is not a number we expect.")
    version = clean_text(beat.app_version or "", "app_version", errors)
    if version and len(version) > MAX_VERSION_LENGTH:
        errors["app_version"] = _("This value is too long.")
    last_error = clean_text((beat.last_error or "")[:MAX_ERROR_LENGTH], "last_error", errors)
    if errors:
        raise SubmissionInvalid(errors)
    now = utcnow()
    device.last_heartbeat_at = device.last_seen_at = now
    device.app_version = version
    device.queue_length = queue_length
    device.battery_percent = battery
    device.battery_charging = {"true": True, "false": False}.get(beat.battery_charging or "")
    device.clock_skew_seconds = skew
    device.last_error = last_error
    return device


def note_contact(device: Device, now: datetime | None = None) -> None:
    """Remember that the tablet was heard from; at most once per SEEN_EVERY, so a busy
    tablet's taps do not each rewrite its row (OFFLINE_AFTER is minutes, not seconds)."""
    now = now or utcnow()
    if device.last_seen_at is None or not timedelta(0) <= now - device.last_seen_at < SEEN_EVERY:
        device.last_seen_at = now


def last_contact(device: Device) -> datetime | None:
    """The last time the server heard from the tablet, by heartbeat or submission."""
    times = [t for t in (device.last_heartbeat_at, device.last_seen_at) if t is not None]
    return max(times) if times else None


def device_health(device: Device, now: datetime | None = None) -> DeviceHealth:
    """The tablet's health: online when it was heard from within OFFLINE_AFTER."""
    now = now or utcnow()
    seen = last_contact(device)
    return DeviceHealth(
        device=device,
        online=device.is_active and seen is not None and now - seen <= OFFLINE_AFTER,
        last_seen_at=seen,
        queue_length=device.queue_length,
        battery_percent=device.battery_percent,
        battery_charging=device.battery_charging,
        app_version=device.app_version,
        last_error=device.last_error,
        clock_skew_seconds=device.clock_skew_seconds,
    )


def devices_health(location_ids: set[int] | None = None) -> list[DeviceHealth]:
    """The health of every paired, unrevoked tablet, optionally of some locations only."""
    statement = select(Device).where(Device.paired_at.is_not(None), Device.revoked_at.is_(None))
    if location_ids is not None:
        statement = statement.where(Device.location_id.in_(location_ids))
    now = utcnow()
    devices = db.session.scalars(statement.order_by(Device.location_id, Device.name))
    return [device_health(device, now) for device in devices]
