"""Recomputing the rollups from the raw rows: after a bulk load, or to check them."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from surveys.db import db
from surveys.models import (
    Alert,
    Location,
    MetricAlert,
    MetricCaseCount,
    MetricComment,
    MetricDuration,
    MetricHour,
    MetricStaff,
    MetricTopic,
    Response,
)
from surveys.models.case_histogram import add_up as add_up_cases
from surveys.models.case_histogram import as_rows
from surveys.models.metrics import case_values
from surveys.reporting.metrics.facts import load_facts, to_local
from surveys.reporting.metrics.rollups import (
    TALLIED,
    add_up,
    comment_values,
    contributions,
    row_values,
)

CHUNK = 20_000
ROLLUPS = (
    MetricHour,
    MetricStaff,
    MetricTopic,
    MetricAlert,
    MetricComment,
    MetricCaseCount,
    MetricDuration,
)


def rebuild(location_ids: list[int] | None = None) -> int:
    """Replace the rollups of these locations (all when None); returns rows written."""
    query = select(Location)
    if location_ids is not None:
        query = query.where(Location.id.in_(location_ids))
    written = 0
    for location in db.session.scalars(query).all():
        for model in ROLLUPS:
            db.session.execute(delete(model).where(model.location_id == location.id))
        written += _rebuild_responses(location) + _rebuild_cases(location)
    return written


def _bulk(model, rows: list[dict]) -> int:
    """Insert rows in chunks; returns how many."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model.__table__), rows[start : start + CHUNK])
    return len(rows)


def _rebuild_responses(location: Location) -> int:
    """Sum the location's responses, a chunk of ids at a time."""
    sums, comments = {}, []
    last_id = 0
    while True:
        ids = db.session.scalars(
            select(Response.id)
            .where(Response.location_id == location.id, Response.id > last_id)
            .order_by(Response.id)
            .limit(CHUNK)
        ).all()
        if not ids:
            break
        where = (Response.location_id == location.id) & Response.id.between(ids[0], ids[-1])
        for facts in load_facts(where, {location.id: location.timezone}):
            add_up(sums, contributions(facts))
            if facts.words:
                comments.append(comment_values(facts))
        last_id = ids[-1]
    written = _bulk(MetricComment, comments)
    for model in TALLIED:
        keyed = sums.get(model, {})
        written += _bulk(model, [row_values(model, key, tally) for key, tally in keyed.items()])
    return written


def _rebuild_cases(location: Location) -> int:
    """Copy the cases of the location's responses, filed by the response's local day, and
    count them in the case histograms."""
    rows = db.session.execute(
        select(Alert.id, Response.captured_at, Alert.created_at, Alert.acknowledged_at)
        .add_columns(Alert.resolved_at, Alert.outcome)
        .join(Response, Response.id == Alert.response_id)
        .where(Response.location_id == location.id)
    )
    cases = [
        case_values(alert_id, location.id, to_local(at, location.timezone).date(), *times)
        for alert_id, at, *times in rows
    ]
    counts, durations = as_rows(*add_up_cases(cases))
    return (
        _bulk(MetricAlert, cases)
        + _bulk(MetricCaseCount, counts)
        + _bulk(MetricDuration, durations)
    )
