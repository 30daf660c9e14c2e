"""The alert inbox: which alerts a user sees, and the cheap "anything new?" cursor.

The open inbox polls the cursor more than once a second. It is three indexed look-ups in one
statement (the newest alert id, the newest timeline event id, the latest follow-up fallen
due) over the locations the user may see; only when it differs from what the page has is
the list read and rendered again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import (
    Alert,
    AlertEvent,
    AlertStatus,
    Answer,
    Response,
    User,
    utcnow,
)
from surveys.numbers import whole_number
from surveys.people.access import can_see_location, restrict_to_visible

INBOX_SIZE = 50
ANNOUNCE_AT_MOST = 10


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: one location or all the user's, one status or every one."""

    location_id: int | None = None
    status: AlertStatus | None = None

    def query_args(self) -> dict[str, str]:
        """The filter as URL parameters."""
        args = {}
        if self.location_id is not None:
            args["location"] = str(self.location_id)
        if self.status is not None:
            args["status"] = self.status.value
        return args


def parse_filter(user: User, args: Mapping[str, str]) -> InboxFilter:
    """The filter from request arguments; another location's id is NotVisible."""
    location_text = (args.get("location") or "").strip()
    status_text = (args.get("status") or "").strip()
    if location_text and whole_number(location_text) is None:
        raise SubmissionInvalid({"location": _("Please choose a location from the list.")})
    if status_text and status_text not in AlertStatus.__members__.values():
        raise SubmissionInvalid({"status": _("Please choose a status from the list.")})
    location_id = int(location_text) if location_text else None
    if location_id is not None and not can_see_location(user, location_id):
        raise NotVisible()
    return InboxFilter(location_id, AlertStatus(status_text) if status_text else None)


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


def inbox_alerts(user: User, inbox: InboxFilter, limit: int = INBOX_SIZE) -> list[Alert]:
    """The newest alerts the user may see under the filter."""
    statement = _scoped(select(Alert), user, inbox, Alert.location_id)
    if inbox.status is not None:
        statement = statement.where(Alert.status == inbox.status)
    statement = _with_what_the_list_shows(statement.order_by(Alert.id.desc()).limit(limit))
    return list(db.session.scalars(statement).unique())


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
