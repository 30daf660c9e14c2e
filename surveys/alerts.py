"""Raising alerts: the one place a negative response becomes a case for a manager."""

from surveys.db import db
from surveys.models import Alert, Location, Response
from surveys.notify.events import notify_alert_raised


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
