"""Raising alerts: the one place a negative response or a silent kiosk becomes a case."""

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from surveys.db import db
from surveys.direct_insert import insert_directly
from surveys.models import Alert, Device, Location, Response
from surveys.notify.events import notify_alert_raised

DEVICE_SILENT = "device_silent"


def raise_alert(response: Response, reason: str) -> Alert:
    """Open an alert for a stored negative response, once, with its notifications in the
    outbox, all in the caller's transaction: saved with it or not at all. The alert is
    written at once (one INSERT, surveys/direct_insert.py): every negative tap raises one.
    """
    if response.alert is None:
        if response.id is None:  # built but not yet written (the demo's sample cases)
            db.session.flush()
        alert = Alert(location_id=response.location_id, reason=reason)
        # Both sides of the link as loaded: the INSERT writes it, no flush has it to write.
        set_committed_value(alert, "response", response)
        insert_directly(alert)
        set_committed_value(response, "alert", alert)
        location = db.session.get(Location, response.location_id)
        notify_alert_raised(alert, response, location)
    return response.alert


def open_device_alert(device: Device, reason: str) -> Alert | None:
    """The device's alert for this reason that a manager has not yet resolved, if any."""
    return db.session.scalar(
        select(Alert).where(
            Alert.device_id == device.id,
            Alert.reason == reason,
            Alert.status.in_(Alert.OPEN_STATUSES),
        )
    )


def raise_device_alert(device: Device, reason: str) -> Alert:
    """Open an alert about a device, unless one for the same reason is still open."""
    alert = open_device_alert(device, reason)
    if alert is None:
        alert = Alert(location_id=device.location_id, device=device, reason=reason)
        db.session.add(alert)
    return alert
