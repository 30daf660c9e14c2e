"""No floods: escalations and surges reach each person as one e-mail listing the cases,
and at most one such e-mail per person and kind per window (NOTIFY_GROUP_WINDOW_SECONDS).

A grouped message carries `group_key` ("escalations:<user id>"). While one is still
pending, a further case is added to it instead of queueing another; once one has gone,
the next is queued for when the window since it ends (`next_attempt_at`), and collects
every case until then. The pending row is locked while it is extended (FOR UPDATE on
PostgreSQL, so a claiming worker skips it; SQLite's write transaction serialises), and a
row already claimed is no longer pending, so a case is never added to a message already sent.
Webhooks are machines and keep one call per event (events.py).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import OutboxMessage, OutboxStatus, User, utcnow
from surveys.notify.outbox import enqueue_email


def enqueue_grouped_email(
    user: User,
    kind: str,
    case: dict,
    language: str,
    now: datetime | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Add one case to the user's pending digest of this kind, or start one, due no sooner
    than `not_before` (the end of the user's quiet hours)."""
    now = now or utcnow()
    key = f"{kind}:{user.id}"
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.group_key == key, OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update()
    ).first()
    if pending is not None:
        facts = pending.payload["facts"]
        cases = [*facts["cases"], case]
        # A new dict: the JSON column notices reassignment, not mutation in place.
        pending.payload = pending.payload | {"facts": _digest_facts(cases)}
        return pending
    due = max(
        _next_slot(key, now), not_before or now
    )  # before the new row exists: an autoflush would count it
    message = enqueue_email(user.email, kind, _digest_facts([case]), language)
    message.group_key = key
    message.next_attempt_at = due
    return message


def _next_slot(key: str, now: datetime) -> datetime:
    """Now, or when the window since the last message of this group ends."""
    last = db.session.scalar(
        select(func.max(OutboxMessage.created_at)).where(OutboxMessage.group_key == key)
    )
    window = timedelta(seconds=current_app.config["NOTIFY_GROUP_WINDOW_SECONDS"])
    return max(now, last + window) if last is not None else now


def _digest_facts(cases: list[dict]) -> dict:
    """The cases, and the places they are at (for the letter's footer)."""
    places = list(dict.fromkeys(case["location"] for case in cases))
    return {"cases": cases, "location": ", ".join(places)}
