"""The alert inbox and the case history: which alerts a user sees, a page at a time, how many
in each status, and the cheap "anything new?" cursor.

Pages are keyset pages: newest first by id, the next page is "ids below the last one
shown", so a case arriving meanwhile never shifts or repeats a row, and an old page costs
what the first does. The filter and its SQL live in `inbox_filter.py`.

The open inbox polls the cursor more than once a second. It is three indexed look-ups in one
statement (the newest alert id, the newest timeline event id, the latest follow-up fallen
due) over the locations the user may see; only when it differs from what the page has is
the list read and rendered again.
"""

from dataclasses import dataclass, replace
from datetime import UTC

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from surveys.cases.inbox_filter import (
    OPEN,
    InboxFilter,
    filter_locations,
    filtered,
    overdue_condition,
    parse_filter,
    status_and_view,
)
from surveys.db import db
from surveys.models import (
    Alert,
    AlertEvent,
    AlertStatus,
    Answer,
    Response,
    User,
    utcnow,
)
from surveys.people.access import restrict_to_visible

__all__ = ["InboxFilter", "parse_filter"]

INBOX_SIZE = 50
ANNOUNCE_AT_MOST = 10


def _scoped(statement: Select, user: User, inbox: InboxFilter, location_column) -> Select:
    """Narrow a statement to the user's locations and the filter's one."""
    statement = restrict_to_visible(statement, user, location_column)
    if inbox.location_id is not None:
        statement = statement.where(location_column == inbox.location_id)
    return statement


def _with_what_the_list_shows(statement: Select) -> Select:
    """Load in a few queries what each card shows, not one query per card."""
    response = joinedload(Alert.response)
    return statement.options(
        joinedload(Alert.location),
        joinedload(Alert.assigned_to),
        joinedload(Alert.device),
        response.joinedload(Response.staff),
        response.joinedload(Response.survey),
        response.selectinload(Response.answers).joinedload(Answer.question),
    )


@dataclass(frozen=True)
class Page:
    """One page of the list and the cursor of the next (older) one, if there is one."""

    alerts: list[Alert]
    older: int | None


def _listed(user: User, inbox: InboxFilter) -> Select:
    """The filtered list, newest first, from the page's cursor on."""
    now = utcnow()
    statement = status_and_view(filtered(select(Alert), user, inbox, now), user, inbox, now)
    if inbox.before is not None:
        statement = statement.where(Alert.id < inbox.before)
    return statement.order_by(Alert.id.desc())


def inbox_page(user: User, inbox: InboxFilter, size: int = INBOX_SIZE) -> Page:
    """A page of the alerts the user may see under the filter, from its cursor on."""
    # Overdue cases are open ones: one walk down the (status, id) index per open status,
    # merged, costs a page; one query over both statuses sorts every open case first.
    by_status = inbox.overdue and inbox.status is None
    parts = [replace(inbox, status=status) for status in OPEN] if by_status else [inbox]
    ids = sorted(
        (
            alert_id
            for part in parts
            for alert_id in db.session.scalars(
                _listed(user, part).with_only_columns(Alert.id).limit(size + 1)
            )
        ),
        reverse=True,
    )[: size + 1]
    alerts = []
    if ids[:size]:
        statement = select(Alert).where(Alert.id.in_(ids[:size])).order_by(Alert.id.desc())
        alerts = list(db.session.scalars(_with_what_the_list_shows(statement)).unique())
    return Page(alerts, ids[size - 1] if len(ids) > size else None)


def inbox_alerts(user: User, inbox: InboxFilter, limit: int = INBOX_SIZE) -> list[Alert]:
    """The newest alerts the user may see under the filter (one page)."""
    return inbox_page(user, inbox, limit).alerts


def status_counts(user: User, inbox: InboxFilter) -> dict[str, int]:
    """How many cases the filter holds in each status, and how many are overdue, whatever
    status or view is chosen (the counts beside the choices)."""
    now = utcnow()
    every = replace(inbox, status=None, overdue=False, before=None)
    by_status = filtered(select(Alert.status, func.count()), user, every, now)
    counts = {status.value: 0 for status in AlertStatus}
    for status, count in db.session.execute(by_status.group_by(Alert.status)):
        counts[AlertStatus(status).value] = count
    counts["all"] = sum(counts.values())
    late = filtered(select(func.count()).select_from(Alert), user, every, now)
    late = late.where(overdue_condition(filter_locations(user, every), now))
    counts["overdue"] = db.session.scalar(late)
    return counts


def fresh_alerts(user: User, inbox: InboxFilter, after_id: int) -> list[Alert]:
    """Alerts newer than the page's newest, whatever the status filter: each is announced."""
    statement = _scoped(select(Alert), user, inbox, Alert.location_id).where(Alert.id > after_id)
    statement = statement.order_by(Alert.id.desc()).limit(ANNOUNCE_AT_MOST)
    return list(db.session.scalars(_with_what_the_list_shows(statement)).unique())


def _follow_ups_due_where(statement: Select) -> Select:
    """Resolved cases whose follow-up time has come."""
    return statement.where(Alert.status == AlertStatus.RESOLVED, Alert.follow_up_at <= utcnow())


def follow_ups_due(user: User, inbox: InboxFilter) -> list[Alert]:
    """Resolved cases whose follow-up time has come, the longest waiting first."""
    statement = _follow_ups_due_where(_scoped(select(Alert), user, inbox, Alert.location_id))
    statement = statement.order_by(Alert.follow_up_at).limit(INBOX_SIZE)
    return list(db.session.scalars(_with_what_the_list_shows(statement)).unique())


def new_alert_count(user: User, inbox: InboxFilter) -> int:
    """How many alerts nobody has acknowledged yet (for the page title)."""
    statement = _scoped(select(func.count(Alert.id)), user, inbox, Alert.location_id)
    return db.session.scalar(statement.where(Alert.status == AlertStatus.NEW))


@dataclass(frozen=True)
class FeedCursor:
    """What an inbox page has seen: the newest alert, the newest event, the latest
    follow-up that has fallen due (as a Unix time; it grows whenever another falls due)."""

    alert_id: int = 0
    event_id: int = 0
    due_mark: int = 0

    def token(self) -> str:
        """The cursor as one URL parameter."""
        return f"{self.alert_id}.{self.event_id}.{self.due_mark}"

    @classmethod
    def parse(cls, token: str | None) -> "FeedCursor | None":
        """A cursor from its token, or None when it is malformed."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not all(
            part.isascii() and part.isdigit() and len(part) < 19 for part in parts
        ):
            return None
        return cls(*(int(part) for part in parts))


def feed_cursor(user: User, inbox: InboxFilter) -> FeedCursor:
    """Where the inbox stands now: three index look-ups (max, not count) in one round trip."""
    newest_alert = _scoped(select(func.max(Alert.id)), user, inbox, Alert.location_id)
    newest_event = _scoped(select(func.max(AlertEvent.id)), user, inbox, AlertEvent.location_id)
    latest_due = _follow_ups_due_where(
        _scoped(select(func.max(Alert.follow_up_at)), user, inbox, Alert.location_id)
    )
    row = db.session.execute(
        select(
            newest_alert.scalar_subquery(),
            newest_event.scalar_subquery(),
            latest_due.scalar_subquery(),
        )
    ).one()
    due_mark = int(row[2].replace(tzinfo=UTC).timestamp()) if row[2] else 0
    return FeedCursor(row[0] or 0, row[1] or 0, due_mark)
