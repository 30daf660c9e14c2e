"""Raising alerts: the one place a negative response or a silent kiosk becomes a case."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, Device, Location, Response
from surveys.notify.events import notify_alert_raised

DEVICE_SILENT = "device_silent"


def raise_alert(response: Response, reason: str) -> Alert:
    """Open an alert for a negative response, once, with its notifications in the outbox.

    Nothing is flushed here: the alert and its outbox rows join the session with the
    response, so they are saved in the caller's transaction or not at all.
    """
    if response.alert is None:
        response.alert = Alert(location_id=response.location_id, reason=reason)
        location = db.session.get(Location, response.location_id)
        notify_alert_raised(response.alert, response, location)
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
