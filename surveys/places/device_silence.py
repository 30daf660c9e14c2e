"""The device-silent check: a kiosk not heard from during opening hours alerts the manager.

Run it every few minutes: `flask --app wsgi devices check-silent` from cron, or call
check_silent_devices() from a worker loop. It raises at most one open alert per device.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from surveys.cases.raising import DEVICE_SILENT, raise_device_alert
from surveys.db import db
from surveys.models import Alert, Device, utcnow
from surveys.places.device_health import last_contact
from surveys.places.opening_hours import opened_at

SILENT_AFTER = timedelta(minutes=15)


def is_silent(device: Device, now: datetime, silent_after: timedelta = SILENT_AFTER) -> bool:
    """Not heard from for silent_after, all of it within the current opening interval."""
    if not device.is_active:
        return False
    opened = opened_at(device.location, now)
    if opened is None or now - opened < silent_after:
        return False
    heard = last_contact(device) or device.paired_at
    return heard < now - silent_after


def check_silent_devices(
    now: datetime | None = None, silent_after: timedelta = SILENT_AFTER
) -> list[Alert]:
    """Raise a device-silent alert for each silent kiosk; return the alerts newly opened."""
    now = now or utcnow()
    devices = db.session.scalars(
        select(Device).where(Device.paired_at.is_not(None), Device.revoked_at.is_(None))
    )
    raised = []
    for device in devices:
        if is_silent(device, now, silent_after):
            alert = raise_device_alert(device, DEVICE_SILENT)
            if alert.id is None:
                raised.append(alert)
    db.session.flush()
    return raised
