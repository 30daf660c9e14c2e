"""Keeping the rollups up to date on write, in the transaction that stores the response.

A response's contribution (its Facts) goes into the rollups when it is first stored; when
a follow-up changes it (topics, staff, words, negative, no longer a walk-away), or an
erase or a retention purge does (surveys/privacy/erasure.py and retention.py: recounting()),
the difference between its facts before and after is applied. Cases are copied by a flush
hook in surveys/models/metrics.py, whatever code changes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete

from surveys.db import db
from surveys.models import (
    Location,
    MetricComment,
    MetricHour,
    MetricStaff,
    MetricTopic,
    Response,
)
from surveys.models.metrics import upsert
from surveys.reporting.metrics.facts import Facts, facts_of
from surveys.reporting.metrics.tally import Tally

# The rollups of sums, in the order a transaction writes them; and each one's key columns.
TALLIED = (MetricHour, MetricStaff, MetricTopic)
KEYS = {
    MetricHour: ("location_id", "local_date", "hour"),
    MetricStaff: ("location_id", "local_date", "staff_id"),
    MetricTopic: ("location_id", "local_date", "question_id", "choice"),
}

Rows = dict[type, dict[tuple, Tally]]  # by rollup, by row key


def contributions(facts: Facts) -> Rows:
    """What the response adds to metric_hour, metric_staff and metric_topic, by row key."""
    tally = facts.tally()
    if tally.is_zero():
        return {}
    day, where = facts.local.date(), facts.location_id
    staff = {} if facts.staff_id is None else {(where, day, facts.staff_id): tally}
    return {
        MetricHour: {(where, day, facts.local.hour): tally},
        MetricStaff: staff,
        MetricTopic: {(where, day, q, choice): tally for q, choice in facts.topic_values()},
    }


def add_up(sums: Rows, rows: Rows, sign: int = 1) -> Rows:
    """Add (or with sign -1, take away) one response's rows to running sums; returns sums."""
    for model, keyed in rows.items():
        for key, tally in keyed.items():
            sums.setdefault(model, defaultdict(Tally))[key].add(tally, sign)
    return sums


def _difference(before: Facts | None, after: Facts) -> Rows:
    """After minus before, by rollup and row key."""
    sums = add_up({}, contributions(after))
    return add_up(sums, contributions(before), -1) if before is not None else sums


def _timezone(response: Response) -> str:
    """The time zone of the response's location."""
    return db.session.get(Location, response.location_id).timezone


def facts_now(response: Response) -> Facts:
    """The response's facts as they stand, to compare with after a change."""
    return facts_of(response, _timezone(response))


def count_response(response: Response, before: Facts | None = None) -> None:
    """Add a new response to the rollups, or apply what changed since `before`."""
    db.session.flush()
    after = facts_now(response)
    sums = _difference(before, after)
    dialect = db.session.get_bind().dialect.name
    # Rows in key order, so two transactions never wait on each other's rows crosswise.
    for model in TALLIED:
        keyed = sums.get(model, {})
        for key in sorted(keyed):
            if not keyed[key].is_zero():
                values = row_values(model, key, keyed[key])
                db.session.execute(upsert(dialect, model, add=COUNTERS), values)
    if after.words and not (before and before.words):
        db.session.execute(upsert(dialect, MetricComment), comment_values(after))
    elif before and before.words and not after.words:  # the words were erased
        db.session.execute(delete(MetricComment).where(MetricComment.response_id == response.id))


@contextmanager
def recounting(response: Response) -> Iterator[None]:
    """Apply what the block changes in the response to the rollups, in the same transaction."""
    before = facts_now(response)
    yield
    count_response(response, before)


COUNTERS = tuple(Tally.names())


def row_values(model, key: tuple, tally: Tally) -> dict:
    """A metric_hour, metric_staff or metric_topic row."""
    values = dict(zip(KEYS[model], key, strict=True))
    if model is MetricHour:
        values["weekday"] = values["local_date"].weekday()
    return values | dict(zip(COUNTERS, tally.values(), strict=True))


def comment_values(facts: Facts) -> dict:
    """A metric_comment row."""
    return {
        "location_id": facts.location_id,
        "captured_at": facts.captured_at,
        "response_id": facts.response_id,
        "rating": facts.rating,
    }
