"""Raising alerts: the one place a negative response becomes a case for a manager."""

from surveys.models import Alert, Response


def raise_alert(response: Response, reason: str) -> Alert:
    """Open an alert for a negative response, once; it is saved with the response."""
    if response.alert is None:
        response.alert = Alert(location_id=response.location_id, reason=reason)
    return response.alert
