"""What one response contributes to the dashboard, read from the ORM or from raw rows.

The naive recomputation and the rollups maintained on write both start here, so a rule
(what counts as satisfied, which answers are topics) is written once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from surveys.db import db
from surveys.models import Answer, FollowUp, Question, QuestionKind, Response
from surveys.reporting.metrics.tally import DETRACTOR_AT_OR_BELOW, PROMOTER_AT_OR_ABOVE, Tally
from surveys.reporting.metrics.tally import SATISFIED_AT_OR_ABOVE as SATISFIED

FIVE_POINT = (QuestionKind.FACES, QuestionKind.STARS)
RATING_KINDS = (QuestionKind.FACES, QuestionKind.STARS, QuestionKind.NPS)


@dataclass
class Facts:
    """One response as the dashboard sees it."""

    response_id: int
    location_id: int
    captured_at: datetime  # naive UTC, as stored
    local: datetime  # captured_at in the location's time zone
    five_point: bool  # the main rating is on a 1–5 scale
    rating: int | None
    negative: bool
    silent: bool
    misuse: bool
    staff_id: int | None
    praised: bool
    nps: list[int] = field(default_factory=list)
    topics: list[tuple[int, str]] = field(default_factory=list)  # (question id, option value)
    words: bool = False  # the customer wrote something

    def tally(self) -> Tally:
        """What this response adds to every group it belongs to; nothing if misuse."""
        if self.misuse:
            return Tally()
        rated = self.five_point and self.rating is not None
        return Tally(
            responses=1,
            rated=int(rated),
            rating_sum=self.rating if rated else 0,
            satisfied=int(rated and self.rating >= SATISFIED),
            negative=int(self.negative),
            praised=int(self.praised and self.staff_id is not None),
            silent=int(self.negative and self.silent),
            nps_answers=len(self.nps),
            promoters=sum(1 for n in self.nps if n >= PROMOTER_AT_OR_ABOVE),
            detractors=sum(1 for n in self.nps if n <= DETRACTOR_AT_OR_BELOW),
        )

    def topic_values(self) -> list[tuple[int, str]]:
        """The distinct complaint topics chosen; none if misuse."""
        return [] if self.misuse else sorted(set(self.topics))


def to_local(captured_at: datetime, timezone: str) -> datetime:
    """A stored naive-UTC time in a location's own time zone."""
    return captured_at.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


def facts_of(response: Response, timezone: str) -> Facts:
    """The facts of an ORM response, including answers not yet flushed."""
    kinds = {q.id: q.kind for q in response.survey.questions}
    main = response.survey.main_question
    answers = [(a.question_id, a.number, a.choice, a.text) for a in response.answers]
    return _facts(_row_of(response), kinds, main.kind if main else None, timezone, answers)


def _row_of(response: Response) -> tuple:
    """An ORM response as the row RESPONSE_COLUMNS select."""
    return (
        response.id,
        response.location_id,
        response.captured_at,
        response.rating,
        response.is_negative,
        response.suspected_misuse,
        response.follow_up,
        response.staff_id,
        response.staff_praised,
        response.survey_id,
    )


RESPONSE_COLUMNS = (
    Response.id,
    Response.location_id,
    Response.captured_at,
    Response.rating,
    Response.is_negative,
    Response.suspected_misuse,
    Response.follow_up,
    Response.staff_id,
    Response.staff_praised,
    Response.survey_id,
)


def _facts(row, kinds, main_kind, timezone: str, answers) -> Facts:
    """The facts of one response row and its (question, number, choice, text) answers."""
    rid, location_id, captured_at, rating, negative, misuse, follow_up, staff_id, praised, _s = row
    facts = Facts(
        response_id=rid,
        location_id=location_id,
        captured_at=captured_at,
        local=to_local(captured_at, timezone),
        five_point=main_kind in FIVE_POINT,
        rating=rating,
        negative=bool(negative),
        silent=follow_up == FollowUp.OFFERED,
        misuse=bool(misuse),
        staff_id=staff_id,
        praised=bool(praised),
    )
    for question_id, number, choice, text in answers:
        kind = kinds.get(question_id)
        facts.words = facts.words or (kind == QuestionKind.TEXT and bool(text))
        if kind == QuestionKind.NPS and number is not None:
            facts.nps.append(number)
        elif kind == QuestionKind.MULTI and choice:
            facts.topics.append((question_id, choice))
    return facts


def question_kinds() -> tuple[dict[int, QuestionKind], dict[int, QuestionKind]]:
    """Every question's kind, and every survey's main rating kind."""
    kinds: dict[int, QuestionKind] = {}
    main: dict[int, QuestionKind] = {}
    rows = db.session.execute(
        select(Question.id, Question.survey_id, Question.kind).order_by(Question.position)
    )
    for question_id, survey_id, kind in rows:
        kinds[question_id] = kind
        if kind in RATING_KINDS:
            main.setdefault(survey_id, kind)
    return kinds, main


def load_facts(where, timezones: dict[int, str]) -> list[Facts]:
    """The facts of the responses a WHERE clause picks, from raw rows."""
    kinds, main = question_kinds()
    answers = defaultdict(list)
    for response_id, *answer in db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.number, Answer.choice, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(where)
    ):
        answers[response_id].append(answer)
    return [
        _facts(row, kinds, main.get(row[-1]), timezones[row[1]], answers[row[0]])
        for row in db.session.execute(select(*RESPONSE_COLUMNS).where(where))
    ]
