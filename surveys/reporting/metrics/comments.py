"""The latest comments: responses with the customer's own words, newest first."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, select

from surveys.cases.feedback import option_label
from surveys.db import db
from surveys.models import Alert, Answer, Location, Question, QuestionKind, Response
from surveys.reporting.metrics.facts import to_local
from surveys.reporting.metrics.naive import in_period
from surveys.reporting.metrics.period import Period
from surveys.reporting.metrics.types import Comment


def _has(kind: QuestionKind, *conditions):
    """Whether the response has an answer to a question of this kind meeting conditions."""
    return exists().where(
        Answer.response_id == Response.id,
        Question.id == Answer.question_id,
        Question.kind == kind,
        *conditions,
    )


def comment_ids(
    locations: list[Location], period: Period, topic: str | None, rating: int | None, limit: int
) -> list[int]:
    """The ids of the newest responses with words that match the filters."""
    query = select(Response.id).where(
        in_period(locations, period),
        _has(QuestionKind.TEXT, Answer.text.is_not(None), Answer.text != ""),
    )
    if topic is not None:
        query = query.where(_has(QuestionKind.MULTI, Answer.choice == topic))
    if rating is not None:
        query = query.where(Response.rating == rating)
    order = (Response.captured_at.desc(), Response.id.desc())
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def comments_for(ids: list[int], locations: list[Location], language: str) -> list[Comment]:
    """The comments of these responses, in the order given, topics in `language`."""
    where = {location.id: location for location in locations}
    responses = {
        row.id: row
        for row in db.session.execute(
            select(
                Response.id,
                Response.location_id,
                Response.captured_at,
                Response.rating,
                Alert.id.label("alert_id"),
            )
            .outerjoin(Alert, Alert.response_id == Response.id)
            .where(Response.id.in_(ids))
        )
    }
    words, topics = defaultdict(list), defaultdict(list)
    for answer, question in db.session.execute(
        select(Answer, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(ids))
        .order_by(Answer.id)
    ):
        if question.kind == QuestionKind.TEXT and answer.text:
            words[answer.response_id].append(answer.text)
        elif question.kind == QuestionKind.MULTI and answer.choice:
            topics[answer.response_id].append(option_label(question, answer.choice, language))
    return [_comment(responses[i], where, words[i], topics[i]) for i in ids]


def _comment(row, locations: dict[int, Location], words: list[str], topics: list[str]):
    """One comment, its time in its location's zone."""
    location = locations[row.location_id]
    return Comment(
        response_id=row.id,
        alert_id=row.alert_id,
        location_name=location.name,
        captured_at=to_local(row.captured_at, location.timezone),
        rating=row.rating,
        topics=topics,
        text="\n\n".join(words),
    )
