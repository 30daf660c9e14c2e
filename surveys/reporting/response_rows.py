"""Responses as flat rows for the CSV export and the read API: never a customer's contact.

Rows are read with a server-side cursor in batches (`yield_per`), and each batch's answers
with one more query, so a million responses pass through in constant memory.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, false, or_, select

from surveys.db import db
from surveys.languages import localized
from surveys.models import Alert, Answer, Location, Question, QuestionKind, Response, Staff, Survey

BATCH = 1000
# The fields of a row, in the CSV's column order and under the API's names.
FIELDS = (
    "response_id",
    "captured_at",
    "location",
    "channel",
    "language",
    "survey",
    "survey_version",
    "rating",
    "negative",
    "topics",
    "staff",
    "praised",
    "customer_words",
    "case_status",
    "case_outcome",
)
TOPIC_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTI)


@dataclass(frozen=True)
class TimeWindow:
    """Naive UTC bounds, since inclusive and until exclusive, for one location's rows."""

    location_id: int
    since: datetime | None = None
    until: datetime | None = None


def _window_clause(window: TimeWindow):
    """The SQL condition of one window."""
    clauses = [Response.location_id == window.location_id]
    if window.since is not None:
        clauses.append(Response.captured_at >= window.since)
    if window.until is not None:
        clauses.append(Response.captured_at < window.until)
    return and_(*clauses)


def rows_statement(windows: Iterable[TimeWindow], after_id: int = 0) -> Select:
    """Responses in any of the windows, oldest id first, with their case's state."""
    windows = list(windows)
    where = or_(*map(_window_clause, windows)) if windows else false()
    return (
        select(
            Response.id,
            Response.captured_at,
            Response.location_id,
            Response.channel,
            Response.language,
            Response.survey_id,
            Response.rating,
            Response.is_negative,
            Response.staff_id,
            Response.staff_praised,
            Alert.status,
            Alert.outcome,
        )
        .outerjoin(Alert, Alert.response_id == Response.id)
        .where(where, Response.id > after_id)
        .order_by(Response.id)
    )


class _Names:
    """Names of locations, surveys, staff and topic options, each looked up once."""

    def __init__(self, language: str):
        self.language = language
        self.location = cache(lambda i: db.session.get(Location, i))
        self.zone = cache(lambda i: ZoneInfo(self.location(i).timezone))
        self.survey = cache(lambda i: db.session.get(Survey, i))
        self.staff = cache(lambda i: db.session.get(Staff, i).name)
        self.question = cache(lambda i: db.session.get(Question, i))

    def topic(self, question: Question, value: str) -> str:
        """An option's label in the reader's language; its value when it is gone."""
        option = next((o for o in question.options if o["value"] == value), None)
        return localized(option["texts"], self.language) if option else value


NOTHING_SAID: tuple[list[str], list[str]] = ([], [])


def _said(ids: list[int], names: _Names) -> dict[int, tuple[list[str], list[str]]]:
    """Topics and customer words of a batch of responses, by response id (if any)."""
    said: dict[int, tuple[list[str], list[str]]] = {}
    statement = (
        select(Answer.response_id, Answer.question_id, Answer.choice, Answer.text)
        .where(Answer.response_id.in_(ids))
        .where(or_(Answer.choice.is_not(None), Answer.text.is_not(None)))
        .order_by(Answer.id)
    )
    for response_id, question_id, choice, text in db.session.execute(statement):
        question = names.question(question_id)
        if choice and question.kind in TOPIC_KINDS:
            said.setdefault(response_id, ([], []))[0].append(names.topic(question, choice))
        elif text and question.kind == QuestionKind.TEXT:  # never the contact question's
            said.setdefault(response_id, ([], []))[1].append(text)
    return said


def _row(values, said: tuple[list[str], list[str]], names: _Names) -> dict:
    """One response as a dict of FIELDS."""
    survey = names.survey(values.survey_id)
    captured = values.captured_at.replace(tzinfo=UTC, microsecond=0)
    return {
        "response_id": values.id,
        "captured_at": captured.astimezone(names.zone(values.location_id)).isoformat(),
        "location": names.location(values.location_id).name,
        "channel": str(values.channel),
        "language": values.language,
        "survey": survey.name,
        "survey_version": survey.version,
        "rating": values.rating,
        "negative": bool(values.is_negative),
        "topics": said[0],
        "staff": names.staff(values.staff_id) if values.staff_id else None,
        "praised": bool(values.staff_praised),
        "customer_words": said[1],
        "case_status": str(values.status) if values.status else None,
        "case_outcome": str(values.outcome) if values.outcome else None,
    }


def stream_rows(statements: Iterable[Select], language: str) -> Iterator[dict]:
    """Every row of the statements in turn, each read from a server-side cursor a batch at a
    time."""
    names = _Names(language)
    for statement in statements:
        options = statement.execution_options(stream_results=True, yield_per=BATCH)
        for batch in db.session.execute(options).partitions():
            said = _said([values.id for values in batch], names)
            for values in batch:
                yield _row(values, said.get(values.id, NOTHING_SAID), names)
