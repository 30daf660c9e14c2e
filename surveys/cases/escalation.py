"""Escalation and surges: rules read from each location's settings, run by the outbox worker.

An alert still `new` after its location's limit is escalated to the owners once. A surge is
a location's share of negative answers reaching its threshold over its window, with enough
answers to mean something; it is raised at most once per window. Both claim their work with
a conditional write, so several workers running the checks never notify twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update

from surveys.db import db
from surveys.models import Alert, AlertStatus, Location, Response, Surge, utcnow
from surveys.notify.events import notify_alert_escalated, notify_surge

# An alert this old is a missed case for the inbox, not an emergency to wake the owner for;
# the bound also keeps a first start on an old database from mailing its whole history.
ESCALATION_LOOKBACK = timedelta(hours=24)


def is_overdue(alert: Alert, location: Location, now: datetime) -> bool:
    """New, not yet escalated, and waiting at least the location's limit (0 turns it off)."""
    limit = location.escalate_after_minutes
    if alert.status != AlertStatus.NEW or alert.escalated_at is not None or limit <= 0:
        return False
    waited = now - alert.created_at
    return timedelta(minutes=limit) <= waited <= ESCALATION_LOOKBACK


def escalate_overdue_alerts(now: datetime | None = None) -> list[Alert]:
    """Escalate every overdue alert once and queue the owners' notifications; flushes."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Alert)
        .join(Location, Alert.location_id == Location.id)
        .where(Alert.status == AlertStatus.NEW, Alert.escalated_at.is_(None))
        .where(Alert.created_at >= now - ESCALATION_LOOKBACK)
        .order_by(Alert.id)
    ).all()
    escalated = []
    for alert in candidates:
        if is_overdue(alert, alert.location, now) and _claim_escalation(alert, now):
            waited = int((now - alert.created_at).total_seconds() // 60)
            notify_alert_escalated(alert, waited, now)
            escalated.append(alert)
    db.session.flush()
    return escalated


def _claim_escalation(alert: Alert, now: datetime) -> bool:
    """Mark the alert escalated unless another worker or an acknowledgement came first."""
    claimed = db.session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.escalated_at.is_(None))
        .where(Alert.status == AlertStatus.NEW)
        .values(escalated_at=now)
    ).rowcount
    return bool(claimed)


@dataclass(frozen=True)
class Window:
    """What a location's answers looked like over its surge window."""

    responses: int
    negatives: int


def is_surge(window: Window, location: Location) -> bool:
    """Enough answers, and the negative share at or above the threshold (0 turns it off)."""
    threshold = location.surge_threshold_percent
    if threshold <= 0 or window.responses < max(location.surge_min_responses, 1):
        return False
    return window.negatives * 100 >= threshold * window.responses


def answers_in_window(location: Location, now: datetime) -> Window:
    """Counts of the location's answers captured in its window; misuse presses left out."""
    return windows([location], now).get(location.id, Window(0, 0))


def windows(locations: list[Location], now: datetime) -> dict[int, Window]:
    """Every location's counts over its own window, in one query (none without answers)."""
    starts = {
        location.id: now - timedelta(minutes=location.surge_window_minutes)
        for location in locations
    }
    if not starts:
        return {}
    rows = db.session.execute(
        select(
            Response.location_id,
            func.count(),
            func.sum(case((Response.is_negative, 1), else_=0)),
        )
        .where(
            Response.location_id.in_(starts),
            Response.captured_at > min(starts.values()),  # lets the index narrow the scan
            Response.captured_at > case(starts, value=Response.location_id),
            Response.captured_at <= now,
            Response.suspected_misuse.is_(False),
        )
        .group_by(Response.location_id)
    ).all()
    return {row[0]: Window(responses=row[1], negatives=int(row[2] or 0)) for row in rows}


def raise_surges(now: datetime | None = None) -> list[Surge]:
    """Raise a surge for every location in one, at most once per window; flushes."""
    now = now or utcnow()
    watched = db.session.scalars(
        select(Location).where(Location.surge_threshold_percent > 0).order_by(Location.id)
    ).all()
    counts = windows(watched, now)
    raised = []
    for location in watched:
        window = counts.get(location.id, Window(0, 0))
        if is_surge(window, location) and (surge := _raise_once(location, window, now)):
            raised.append(surge)
    return raised


def _raise_once(location: Location, window: Window, now: datetime) -> Surge | None:
    """A new surge unless one was raised for the location within its window."""
    # The row lock serialises workers on PostgreSQL; SQLite's write transaction already does.
    db.session.execute(select(Location.id).where(Location.id == location.id).with_for_update())
    since = now - timedelta(minutes=location.surge_window_minutes)
    recent = db.session.scalar(
        select(func.count()).where(Surge.location_id == location.id, Surge.raised_at > since)
    )
    if recent:
        return None
    surge = Surge(
        location_id=location.id,
        raised_at=now,
        window_minutes=location.surge_window_minutes,
        responses=window.responses,
        negatives=window.negatives,
    )
    db.session.add(surge)
    db.session.flush()
    notify_surge(surge, location, now)
    db.session.flush()
    return surge
