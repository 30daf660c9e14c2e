"""Presence: whether someone who can come to the customer has the location's inbox open,
or is on duty with their phone reachable.

"On duty" is the location's manager_on_duty flag AND at least one owner or manager of the
location with a push subscription, push switched on and outside their quiet hours (the
flag alone promised a manager nobody would tell).

The open inbox reports in every HEARTBEAT_SECONDS; a report older than PRESENCE_TTL no
longer counts, so a closed laptop stops the kiosk's promise within seconds. The rows live
in the database, so every worker and host sees the same answer.
"""

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from surveys.db import db
from surveys.models import InboxPresence, Location, PushSubscription, Role, User, utcnow
from surveys.notify.preferences import push_now
from surveys.people.access import visible_location_ids

HEARTBEAT_SECONDS = 5
PRESENCE_TTL = timedelta(seconds=3 * HEARTBEAT_SECONDS)


def watched_location_ids(user: User, location_id: int | None = None) -> list[int]:
    """The locations an inbox covers: the one it is filtered to, or every one it may see."""
    if location_id is not None:
        return [location_id]
    visible = visible_location_ids(user)
    if visible is None:
        return list(db.session.scalars(select(Location.id)))
    return sorted(visible)


def record_presence(user: User, location_ids: Iterable[int]) -> None:
    """Note that the user's inbox is open now for these locations (one upsert)."""
    now = utcnow()
    rows = [{"user_id": user.id, "location_id": id_, "seen_at": now} for id_ in location_ids]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(InboxPresence).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "location_id"], set_={"seen_at": statement.excluded.seen_at}
    )
    db.session.execute(statement)


def manager_is_watching(location: Location) -> bool:
    """A manager is on duty and reachable by push, or an owner or manager of the location
    has its inbox open.

    Staff see the inbox but cannot take a case, so their open inbox promises nobody.
    """
    if location.manager_on_duty and _reachable_by_push(location):
        return True
    may_come = or_(User.role == Role.OWNER, User.locations.any(Location.id == location.id))
    watching = exists().where(
        InboxPresence.location_id == location.id,
        InboxPresence.seen_at >= utcnow() - PRESENCE_TTL,
        InboxPresence.user_id == User.id,
        User.active.is_(True),
        User.role != Role.STAFF,
        may_come,
    )
    return bool(db.session.scalar(select(watching)))


PUSH_CANDIDATES = 20  # enough to find one outside quiet hours; bounds a tap's cost


def _reachable_by_push(location: Location) -> bool:
    """Someone who may come has a device the new alert's push goes to (push on, not quiet)."""
    may_come = or_(User.role == Role.OWNER, User.locations.any(Location.id == location.id))
    subscribed = exists().where(PushSubscription.user_id == User.id)
    candidates = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role != Role.STAFF, User.notify_push.is_(True))
        .where(may_come, subscribed)
        .limit(PUSH_CANDIDATES)
    )
    now = utcnow()
    return any(push_now(user, location.timezone, now) for user in candidates)
