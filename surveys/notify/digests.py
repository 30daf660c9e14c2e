"""Digest e-mails: owners and managers who opt in get yesterday's or last week's numbers
for the locations they may see, at 07:00 in their first location's time zone, once.

Once is kept by the database: a DigestSent row per (user, frequency, first day) is inserted
in the same transaction as the outbox message, and its unique key makes a second worker,
process or cron run fail to insert, and so queue nothing.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from surveys.db import db, sqlite_write_intent
from surveys.errors import SubmissionInvalid
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import DigestFrequency, DigestSent, Location, Role, User, utcnow
from surveys.notify.digest_facts import digest_facts
from surveys.notify.outbox import enqueue_email
from surveys.reporting.metrics import Period

SEND_AT = time(7, 0)  # local time of the user's first location
DIGEST_ROLES = (Role.OWNER, Role.MANAGER)


def set_digest(user: User, frequency: str, language: str) -> None:
    """Choose the digest: off, daily or weekly, and its language; refuse anything else."""
    errors = {}
    if user.role not in DIGEST_ROLES:
        errors["frequency"] = str(_l("Digests are for owners and managers."))
    elif frequency not in set(DigestFrequency):
        errors["frequency"] = str(_l("Please choose off, daily or weekly."))
    if language not in SUPPORTED_LANGUAGES:
        errors["language"] = str(_l("Please choose one of the languages offered."))
    if errors:
        raise SubmissionInvalid(errors)
    user.digest_frequency = frequency
    user.digest_language = language


def home_zone(user: User) -> ZoneInfo:
    """The time zone of the user's first location (an owner's: the first location)."""
    locations = sorted(user.locations, key=lambda location: location.id)
    first = locations[0] if locations else db.session.scalar(select(Location).order_by(Location.id))
    return ZoneInfo(first.timezone if first else "UTC")


def latest_period(frequency: str, today: date) -> Period:
    """The last complete period before a local day: yesterday, or last Monday to Sunday."""
    if frequency == DigestFrequency.DAILY:
        yesterday = today - timedelta(days=1)
        return Period(yesterday, yesterday)
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6))


def due_period(user: User, now: datetime, ignore_hour: bool = False) -> Period | None:
    """The period whose digest is due at a moment (naive UTC), or None before 07:00."""
    local = now.replace(tzinfo=UTC).astimezone(home_zone(user))
    if not ignore_hour and local.time() < SEND_AT:
        return None
    return latest_period(user.digest_frequency, local.date())


def _already_sent(user: User, period: Period) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    DigestSent.user_id == user.id,
                    DigestSent.frequency == user.digest_frequency,
                    DigestSent.period_first == period.first,
                )
            )
        )
    )


def visible_ids(user: User) -> list[int]:
    """The ids of the locations the user may see, every location for an owner."""
    if user.role == Role.OWNER:
        return list(db.session.scalars(select(Location.id).order_by(Location.id)))
    return sorted(location.id for location in user.locations)


def _facts_read_only(user: User, period: Period) -> dict | None:
    """The digest's facts, or None when there is nothing to send; read without taking
    SQLite's write lock, so a slow report never holds up a kiosk's tap."""
    token = sqlite_write_intent.set(False)
    try:
        location_ids = visible_ids(user)
        if not location_ids or _already_sent(user, period):
            return None
        return digest_facts(location_ids, period, user.digest_language, user.digest_frequency)
    finally:
        db.session.rollback()
        sqlite_write_intent.reset(token)


def queue_digest(user: User, period: Period) -> bool:
    """Queue one user's digest for a period and commit; False when it was queued already."""
    facts = _facts_read_only(user, period)
    if facts is None:
        return False
    message = enqueue_email(user.email, "digest", facts, user.digest_language)
    db.session.flush()
    db.session.add(
        DigestSent(
            user_id=user.id,
            frequency=user.digest_frequency,
            period_first=period.first,
            period_last=period.last,
            outbox_message_id=message.id,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # another worker or process queued it first
        db.session.rollback()
        return False
    return True


def send_due_digests(now: datetime | None = None, ignore_hour: bool = False) -> int:
    """Queue every digest that is due and not yet queued; how many were queued."""
    if not current_app.config.get("SMTP_URL"):
        return 0  # without a mail server nothing is queued, and nothing counts as sent
    now = now or utcnow()
    users = db.session.scalars(
        select(User)
        .where(User.active, User.role.in_(DIGEST_ROLES), User.digest_frequency != "off")
        .order_by(User.id)
    ).all()
    queued = 0
    for user in users:
        period = due_period(user, now, ignore_hour)
        if period is not None and queue_digest(user, period):
            queued += 1
    return queued
