"""Raising alerts: the one place a negative response becomes a case for a manager."""

from surveys.db import db
from surveys.models import Alert, Response


def raise_alert(response: Response, reason: str) -> Alert:
    """Open an alert for a negative response, once, in the caller's transaction."""
    if response.alert is not None:
        return response.alert
    alert = Alert(response=response, location_id=response.location_id, reason=reason)
    db.session.add(alert)
    return alert
