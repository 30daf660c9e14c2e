"""What the inbox and the case history show: the filter, read from a URL, and its SQL.

Every parameter is checked here: a location or member of staff the user may not see, an
unknown status, a date that is not one, an over-long topic are refused with a translated
message (the view answers 400 or 404); a page cursor that is not a plain id is ignored, so
an old or mangled link still shows the newest page.

The customer's words never travel in a URL (request lines are logged): the search form
posts them, the view keeps them in the signed-in session under a random token, and the URL
carries only the token (`q`). Dates are local calendar days, read in each location's own
time zone, as the dashboard reads them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text

from surveys.cases.feedback import option_label
from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import (
    Alert,
    AlertStatus,
    Answer,
    Location,
    Question,
    QuestionKind,
    Response,
    Staff,
    User,
)
from surveys.numbers import whole_number
from surveys.people.access import can_see_location, restrict_to_visible, visible_locations

VIEWS = ("all", "overdue")
WORDS_MIN, WORDS_MAX = 3, 100  # three letters: the least a trigram index can find
TOPIC_MAX = 64  # Answer.choice's length
EARLIEST = date(2000, 1, 1)
OPEN = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class InboxFilter:
    """What the list shows. `words` is the search itself, `search` its token in the URL."""

    location_id: int | None = None
    status: AlertStatus | None = None
    overdue: bool = False
    topic: str | None = None
    staff_id: int | None = None
    first: date | None = None
    last: date | None = None
    words: str | None = None
    search: str | None = None
    before: int | None = field(default=None, compare=False)  # the page: ids below this one

    def query_args(self, page: bool = False, without: tuple[str, ...] = ()) -> dict[str, str]:
        """The filter as URL parameters (the page cursor only when asked), less `without`."""
        values = {
            "location": self.location_id,
            "status": self.status.value if self.status else None,
            "view": "overdue" if self.overdue else None,
            "topic": self.topic,
            "staff": self.staff_id,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "q": self.search if self.words else None,
            "before": self.before if page else None,
        }
        return {
            name: str(value)
            for name, value in values.items()
            if value is not None and name not in without
        }

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the location is chosen (the empty list says so)."""
        return self != InboxFilter(location_id=self.location_id)

    def first_page(self) -> "InboxFilter":
        """The same filter from the newest case on."""
        return replace(self, before=None)


def _invalid(name: str, message: str) -> SubmissionInvalid:
    return SubmissionInvalid({name: message})


def _date(args: Mapping[str, str], name: str) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or day < EARLIEST:
        raise _invalid(name, _("Please give a date such as 2026-03-29."))
    return day


def _words(args: Mapping[str, str], searches: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The saved search the token names, or SubmissionInvalid when it is gone."""
    token = (args.get("q") or "").strip()
    if not token:
        return None, None
    words = searches.get(token) if len(token) < 40 else None
    if not words:
        raise _invalid("q", _("This search has ended; please search again."))
    return words, token


def clean_words(text: str | None) -> str:
    """Search words as typed, spaces tidied; SubmissionInvalid when too short or too long."""
    printable = "".join(character for character in text or "" if character.isprintable())
    words = " ".join(printable.split())
    if words and not WORDS_MIN <= len(words) <= WORDS_MAX:
        message = _(
            "Please search for %(least)s to %(most)s characters.", least=WORDS_MIN, most=WORDS_MAX
        )
        raise _invalid("words", message)
    return words


def parse_filter(
    user: User, args: Mapping[str, str], searches: Mapping[str, str] | None = None
) -> InboxFilter:
    """The filter from request arguments; another location's id is NotVisible."""
    location_text = (args.get("location") or "").strip()
    status_text = (args.get("status") or "").strip()
    view = (args.get("view") or "all").strip()
    staff_text = (args.get("staff") or "").strip()
    topic = (args.get("topic") or "").strip() or None
    location_id = whole_number(location_text) if location_text else None
    if location_text and location_id is None:
        raise _invalid("location", _("Please choose a location from the list."))
    if status_text and status_text not in AlertStatus.__members__.values():
        raise _invalid("status", _("Please choose a status from the list."))
    if view not in VIEWS:
        raise _invalid("view", _("Please choose a view from the list."))
    if topic is not None and (len(topic) > TOPIC_MAX or not topic.isprintable()):
        raise _invalid("topic", _("Please choose a topic from the list."))
    staff_id = whole_number(staff_text) if staff_text else None
    if staff_text and (staff_id is None or not _may_see_staff(user, staff_id)):
        raise _invalid("staff", _("Please choose a member of staff from the list."))
    if location_id is not None and not can_see_location(user, location_id):
        raise NotVisible()
    first, last = _date(args, "from"), _date(args, "to")
    if first and last and last < first:
        raise _invalid("to", _("The last day must not be before the first."))
    words, token = _words(args, searches or {})
    return InboxFilter(
        location_id=location_id,
        status=AlertStatus(status_text) if status_text else None,
        overdue=view == "overdue",
        topic=topic,
        staff_id=staff_id,
        first=first,
        last=last,
        words=words,
        search=token,
        before=whole_number((args.get("before") or "").strip()),  # nonsense: the newest page
    )


def _may_see_staff(user: User, staff_id: int) -> bool:
    staff = db.session.get(Staff, staff_id)
    return staff is not None and can_see_location(user, staff.location_id)


# SQL ----------------------------------------------------------------------------------------


def filter_locations(user: User, inbox: InboxFilter) -> list[Location]:
    """The locations the filter covers."""
    shops = visible_locations(user)
    if inbox.location_id is not None:
        shops = [shop for shop in shops if shop.id == inbox.location_id]
    return shops


def _per_location(shops: list[Location], key, condition) -> ColumnElement[bool]:
    """One condition per group of locations that share `key` (a time zone, a target)."""
    groups = groupby(sorted(shops, key=key), key=key)
    clauses = [
        and_(Alert.location_id.in_([shop.id for shop in group]), condition(value))
        for value, group in groups
    ]
    return or_(*clauses) if clauses else false()


def _in_days(shops: list[Location], first: date | None, last: date | None):
    """Created on the local days first..last, in each location's time zone."""

    def bounds(timezone: str) -> ColumnElement[bool]:
        zone, parts = ZoneInfo(timezone), []
        if first is not None:
            parts.append(Alert.created_at >= _utc(datetime.combine(first, time(0), zone)))
        if last is not None:
            end = datetime.combine(last + timedelta(days=1), time(0), zone)
            parts.append(Alert.created_at < _utc(end))
        return and_(*parts)

    return _per_location(shops, lambda shop: shop.timezone, bounds)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def overdue_condition(shops: list[Location], now: datetime) -> ColumnElement[bool]:
    """Past the location's targets: still new after its acknowledge target
    (escalate_after_minutes), or still open after its resolve target (resolve_within_hours);
    a target of 0 is no target."""

    def past(targets: tuple[int, int]) -> ColumnElement[bool]:
        acknowledge, resolve = targets
        parts = []
        if acknowledge > 0:
            cutoff = now - timedelta(minutes=acknowledge)
            parts.append(and_(Alert.status == AlertStatus.NEW, Alert.created_at <= cutoff))
        if resolve > 0:
            cutoff = now - timedelta(hours=resolve)
            parts.append(and_(Alert.status.in_(OPEN), Alert.created_at <= cutoff))
        return or_(*parts) if parts else false()

    return _per_location(
        shops, lambda shop: (shop.escalate_after_minutes, shop.resolve_within_hours), past
    )


def filtered(statement: Select, user: User, inbox: InboxFilter, now: datetime) -> Select:
    """Narrow a statement over Alert to the filter, except its status, view and page."""
    statement = restrict_to_visible(statement, user, Alert.location_id)
    if inbox.location_id is not None:
        statement = statement.where(Alert.location_id == inbox.location_id)
    if inbox.first or inbox.last:
        statement = statement.where(
            _in_days(filter_locations(user, inbox), inbox.first, inbox.last)
        )
    if inbox.topic:
        topic = select(Answer.response_id).where(Answer.choice == inbox.topic)
        statement = statement.where(Alert.response_id.in_(topic))
    if inbox.words:
        statement = statement.where(Alert.response_id.in_(_responses_saying(inbox.words)))
    if inbox.staff_id:
        served = select(Response.id).where(Response.staff_id == inbox.staff_id)
        statement = statement.where(Alert.response_id.in_(served))
    return statement


def _responses_saying(words: str) -> Select:
    """The responses whose written answers contain the words (case aside), through each
    database's substring index: SQLite's FTS5 trigram table `answer_words` (a phrase of
    trigrams is a substring), PostgreSQL's pg_trgm index on answer.text (ILIKE); both are
    kept by migration 0017."""
    if db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + words.replace('"', '""') + '"'
        matching = select(literal_column("rowid")).select_from(table("answer_words"))
        matching = matching.where(sql_text("answer_words MATCH :phrase").bindparams(phrase=phrase))
        return select(Answer.response_id).where(Answer.id.in_(matching))
    return select(Answer.response_id).where(Answer.text.icontains(words, autoescape=True))


def status_and_view(statement: Select, user: User, inbox: InboxFilter, now: datetime) -> Select:
    """Narrow to the filter's status and, in the overdue view, to overdue cases."""
    if inbox.status is not None:
        statement = statement.where(Alert.status == inbox.status)
    if inbox.overdue:
        statement = statement.where(overdue_condition(filter_locations(user, inbox), now))
    return statement


def topic_choices(language: str) -> list[tuple[str, str]]:
    """Every topic a survey offers (value, label in the reader's language), by label."""
    questions = db.session.scalars(select(Question).where(Question.kind == QuestionKind.MULTI))
    topics: dict[str, str] = {}
    for question in questions:
        for option in question.options:
            topics.setdefault(option["value"], option_label(question, option["value"], language))
    return sorted(topics.items(), key=lambda item: item[1].lower())


def staff_choices(user: User) -> list[Staff]:
    """The members of staff of the user's locations, by location and name."""
    ids = [shop.id for shop in visible_locations(user)]
    statement = (
        select(Staff).where(Staff.location_id.in_(ids)).order_by(Staff.location_id, Staff.name)
    )
    return list(db.session.scalars(statement))
