"""The retention purge: contact details go a location's retention period after the case.

When the clock starts:
- a closed case: when it was closed (reopening stops the clock; closing again restarts it);
- a case still open, or a response that raised none (a happy customer who left a contact,
  or a press the misuse filter set aside): from the last sign of life, that is the consent
  itself and, for an open case, its newest timeline entry and any follow-up it plans. So a
  case nobody touches for the whole period loses its contact too, and one being worked on
  keeps it.

Run from the outbox worker's checks (at most every PRIVACY_PURGE_SECONDS) and by
`flask --app wsgi privacy purge`. Idempotent: a second run finds nothing left to do.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select

from surveys.db import db
from surveys.models import Alert, AlertEvent, AlertStatus, Customer, Location, Response, utcnow
from surveys.people.audit import record_audit
from surveys.privacy.forgetting import Counts, contact_statement, forget_contact
from surveys.reporting.metrics.rollups import recounting

# Contacts forgotten per transaction: on SQLite a purge holds the write lock while it runs.
BATCH = 100


def expired_contacts(location: Location, now: datetime):
    """The location's responses whose contact details are past the retention period."""
    cutoff = now - timedelta(days=location.contact_retention_days)
    closed_long_ago = and_(Alert.status == AlertStatus.CLOSED, Alert.closed_at < cutoff)
    touched_since = exists().where(AlertEvent.alert_id == Alert.id, AlertEvent.at >= cutoff)
    open_but_quiet = and_(
        Alert.status != AlertStatus.CLOSED,
        Alert.created_at < cutoff,
        ~touched_since,
        or_(Alert.follow_up_at.is_(None), Alert.follow_up_at < cutoff),
    )
    quiet = and_(Customer.consent_at < cutoff, or_(Alert.id.is_(None), open_but_quiet))
    return (
        contact_statement()
        .outerjoin(Alert, Alert.response_id == Response.id)
        .where(Response.location_id == location.id, or_(closed_long_ago, quiet))
        .order_by(Response.id)
        .with_for_update(of=Response, skip_locked=True)  # two workers purge different rows
    )


def purge_expired_contacts(now: datetime | None = None, limit: int = BATCH) -> Counts:
    """Forget up to `limit` contacts past their retention period; the caller commits."""
    now = now or utcnow()
    counts = Counts()
    for location in db.session.scalars(select(Location).order_by(Location.id)):
        left = limit - counts.responses
        if left <= 0:
            break
        for response in list(db.session.scalars(expired_contacts(location, now).limit(left))):
            with recounting(response):  # no sum changes today; if a purge ever does
                forget_contact(response, counts)
    if counts.responses:
        record_audit("privacy.purged", **counts.as_dict())
    return counts


def purge_all_expired(now: datetime | None = None) -> Counts:
    """Purge batch after batch, committing each, so no write lock is held for long."""
    total = Counts()
    while True:
        counts = purge_expired_contacts(now, BATCH)
        db.session.commit()
        total.add(counts)
        if counts.responses < BATCH:
            return total
