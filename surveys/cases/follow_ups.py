"""Follow-up reminders: a follow-up whose time has come reminds its holder, once.

Run by the outbox worker's periodic jobs (once per period in the cluster); each reminder is
claimed with a conditional write, so two runs never remind twice. Rescheduling the
follow-up clears the mark (Alert.schedule_follow_up).
"""

from datetime import datetime

from sqlalchemy import select, update

from surveys.db import db
from surveys.models import Alert, AlertStatus, utcnow
from surveys.notify.events import managers_of, tell_holder


def remind_due_follow_ups(now: datetime | None = None) -> list[Alert]:
    """Remind the holder (or, for a case nobody holds, the location's managers) of every
    follow-up now due; flushes."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Alert)
        .where(Alert.status == AlertStatus.RESOLVED, Alert.follow_up_at <= now)
        .where(Alert.follow_up_reminded_at.is_(None))
        .order_by(Alert.id)
    ).all()
    reminded = []
    for alert in due:
        if not _claim(alert, now):
            continue
        holders = [alert.assigned_to] if alert.assigned_to else managers_of(alert.location)
        for user in holders:
            if user.active:
                tell_holder(alert, user, "case.follow_up_due")
        reminded.append(alert)
    db.session.flush()
    return reminded


def _claim(alert: Alert, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.follow_up_reminded_at.is_(None))
        .where(Alert.follow_up_at == alert.follow_up_at)
        .values(follow_up_reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(claimed)
