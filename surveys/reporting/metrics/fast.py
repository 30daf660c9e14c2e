"""The dashboard's sums read from the rollups: a few thousand rows for a year."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select, union_all

from surveys.db import db
from surveys.models import (
    Answer,
    Location,
    MetricComment,
    MetricHour,
    MetricStaff,
    MetricTopic,
    Question,
    QuestionKind,
)
from surveys.reporting.metrics.naive import Tallies
from surveys.reporting.metrics.period import Period
from surveys.reporting.metrics.tally import Tally

COUNTERS = Tally.names()


def _sums(model) -> list:
    """SUM() of every counter column."""
    return [func.sum(getattr(model, name)) for name in COUNTERS]


def _tally(values) -> Tally:
    """A tally from summed columns (NULL when no row matched)."""
    return Tally(*(int(value or 0) for value in values))


def _in(model, locations: list[Location], period: Period):
    """Rollup rows of these locations' local days in the period."""
    return and_(
        model.location_id.in_([location.id for location in locations]),
        model.local_date >= period.first,
        model.local_date <= period.last,
    )


def rollup_tallies(locations: list[Location], period: Period) -> Tallies:
    """Sums by location, local weekday and hour; by staff member; and by topic."""
    tallies = Tallies()
    keys = (MetricHour.location_id, MetricHour.weekday, MetricHour.hour)
    for location_id, weekday, hour, *values in db.session.execute(
        select(*keys, *_sums(MetricHour)).where(_in(MetricHour, locations, period)).group_by(*keys)
    ):
        tallies.cells[(location_id, weekday, hour)] = _tally(values)
    for staff_id, *values in db.session.execute(
        select(MetricStaff.staff_id, *_sums(MetricStaff))
        .where(_in(MetricStaff, locations, period))
        .group_by(MetricStaff.staff_id)
    ):
        tally = _tally(values)
        if not tally.is_zero():  # a follow-up moved the response to another staff member
            tallies.staff[staff_id] = tally
    keys = (MetricTopic.location_id, MetricTopic.question_id, MetricTopic.choice)
    for location_id, question_id, choice, *values in db.session.execute(
        select(*keys, *_sums(MetricTopic))
        .where(_in(MetricTopic, locations, period))
        .group_by(*keys)
    ):
        tallies.topics[(location_id, question_id, choice)] = _tally(values)
    return tallies


def rollup_total(locations: list[Location], period: Period) -> Tally:
    """All the period's sums together."""
    query = select(*_sums(MetricHour)).where(_in(MetricHour, locations, period))
    return _tally(db.session.execute(query).one())


# Locations read by one statement: each is a SELECT of its own, and SQLite refuses more
# than 500 in one compound statement.
LOCATIONS_PER_STATEMENT = 100


def _newest_comments(location: Location, period: Period, topic, rating, limit: int):
    """One location's newest `limit` comments matching the filters, as (captured_at,
    response_id): read backwards from the period's end of the comment index."""
    start, end = period.utc_bounds(location.timezone)
    query = select(MetricComment.captured_at, MetricComment.response_id).where(
        MetricComment.location_id == location.id,
        MetricComment.captured_at >= start,
        MetricComment.captured_at < end,
    )
    if rating is not None:
        query = query.where(MetricComment.rating == rating)
    if topic is not None:
        query = query.where(
            exists().where(
                Answer.response_id == MetricComment.response_id,
                Answer.choice == topic,
                Question.id == Answer.question_id,
                Question.kind == QuestionKind.MULTI,
            )
        )
    order = (MetricComment.captured_at.desc(), MetricComment.response_id.desc())
    return query.order_by(*order).limit(limit).subquery()


def rollup_comment_ids(
    locations: list[Location], period: Period, topic: str | None, rating: int | None, limit: int
) -> list[int]:
    """The newest responses with words matching the filters, by the comment index.

    Each location's newest `limit` are read on their own and then merged, so a year reads
    at most `limit` rows a location, not every comment of the year sorted."""
    newest = []
    for first in range(0, len(locations), LOCATIONS_PER_STATEMENT):
        arms = [
            _newest_comments(location, period, topic, rating, limit)
            for location in locations[first : first + LOCATIONS_PER_STATEMENT]
        ]
        newest += db.session.execute(union_all(*(select(*arm.c) for arm in arms))).all()
    newest.sort(reverse=True)  # captured_at, then response_id, newest first
    return [response_id for _captured_at, response_id in newest[:limit]]
