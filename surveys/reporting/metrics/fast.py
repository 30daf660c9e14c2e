"""The dashboard's sums read from the rollups: a few thousand rows for a year."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, func, literal_column, or_, select, union_all

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
from surveys.reporting.metrics.tally import CELL_COUNTERS, ROW_COUNTERS, Tally

COUNTERS = Tally.names()


def _sums(model, names=COUNTERS) -> list:
    """SUM() of these counter columns (all of them unless told)."""
    return [func.sum(getattr(model, name)) for name in names]


def _tally(values, names=COUNTERS) -> Tally:
    """A tally from summed columns, in the order of `names` (NULL when no row matched)."""
    return Tally(**{name: int(value or 0) for name, value in zip(names, values, strict=True)})


def _in(model, locations: list[Location], period: Period):
    """Rollup rows of these locations' local days in the period."""
    return and_(
        model.location_id.in_([location.id for location in locations]),
        model.local_date >= period.first,
        model.local_date <= period.last,
    )


def _grouped(model, keys, names, locations: list[Location], period: Period):
    """(key values, tally of `names`) for each group of the period's rollup rows."""
    query = select(*keys, *_sums(model, names)).where(_in(model, locations, period))
    for row in db.session.execute(query.group_by(*keys)):
        yield tuple(row[: len(keys)]), _tally(row[len(keys) :], names)


def rollup_tallies(locations: list[Location], period: Period) -> Tallies:
    """Sums by location (streamed in the rollup's own order: every counter); by local
    weekday and hour, by staff member and by topic (sorted by SQLite to group them: only the
    counters a heat-map cell or a table row shows)."""
    tallies = Tallies()
    for (location_id,), tally in _grouped(
        MetricHour, (MetricHour.location_id,), COUNTERS, locations, period
    ):
        tallies.locations[location_id] = tally
    # One integer for (weekday, hour): SQLite sorts it a third faster than the two columns.
    cell = MetricHour.weekday * literal_column("24") + MetricHour.hour
    for (key,), tally in _grouped(MetricHour, (cell,), CELL_COUNTERS, locations, period):
        tallies.cells[divmod(key, 24)] = tally
    for (staff_id,), tally in _grouped(
        MetricStaff, (MetricStaff.staff_id,), ROW_COUNTERS, locations, period
    ):
        if not tally.is_zero():  # a follow-up moved the response to another staff member
            tallies.staff[staff_id] = tally
    topic = (MetricTopic.question_id, MetricTopic.choice)
    for key, tally in _grouped(MetricTopic, topic, ROW_COUNTERS, locations, period):
        tallies.topics[key] = tally
    return tallies


def rollup_total(locations: list[Location], period: Period) -> Tally:
    """All the period's sums together."""
    query = select(*_sums(MetricHour)).where(_in(MetricHour, locations, period))
    return _tally(db.session.execute(query).one())


# Locations read by one statement: each is a SELECT of its own, and SQLite refuses more
# than 500 in one compound statement.
LOCATIONS_PER_STATEMENT = 100
NEWEST_FIRST = (MetricComment.captured_at.desc(), MetricComment.response_id.desc())


def _in_local_days(location: Location, period: Period):
    """A location's comments in the period's local days."""
    start, end = period.utc_bounds(location.timezone)
    return and_(
        MetricComment.location_id == location.id,
        MetricComment.captured_at >= start,
        MetricComment.captured_at < end,
    )


def _comments(where, topic: str | None, rating: int | None):
    """(captured_at, response_id) of the comments `where` picks that match the filters."""
    query = select(MetricComment.captured_at, MetricComment.response_id).where(where)
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
    return query


def rollup_comment_ids(
    locations: list[Location], period: Period, topic: str | None, rating: int | None, limit: int
) -> list[int]:
    """The newest responses with words matching the filters, by the comment index.

    Without a topic, each location's newest `limit` are read from the period's end of its
    comment index and merged: at most `limit` rows a location, not every comment of the
    period sorted. With a topic, one statement for all: PostgreSQL hashes the topic's
    answers for each part of a statement, so once a location there."""
    if topic is not None:
        where = or_(false(), *(_in_local_days(location, period) for location in locations))
        query = _comments(where, topic, rating).order_by(*NEWEST_FIRST).limit(limit)
        return [response_id for _captured_at, response_id in db.session.execute(query)]
    newest = []
    for first in range(0, len(locations), LOCATIONS_PER_STATEMENT):
        arms = [
            _comments(_in_local_days(location, period), topic, rating)
            .order_by(*NEWEST_FIRST)
            .limit(limit)
            .subquery()
            for location in locations[first : first + LOCATIONS_PER_STATEMENT]
        ]
        newest += db.session.execute(union_all(*(select(*arm.c) for arm in arms))).all()
    newest.sort(reverse=True)  # captured_at, then response_id, newest first
    return [response_id for _captured_at, response_id in newest[:limit]]
