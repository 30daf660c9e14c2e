"""Keeping the rollups up to date on write, in the transaction that stores the response.

A response's contribution (its Facts) goes into the rollups when it is first stored; when
a follow-up changes it (topics, staff, words, negative, no longer a walk-away), or an
erase or a retention purge does (surveys/erasure.py, surveys/retention.py: recounting()),
the difference between its facts before and after is applied. Cases are copied by a flush
hook in surveys/models/metrics.py, whatever code changes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete

from surveys.db import db
from surveys.metrics.facts import Facts, facts_of
from surveys.metrics.tally import Tally
from surveys.models import Location, MetricComment, MetricHour, MetricTopic, Response
from surveys.models.metrics import upsert


def contributions(facts: Facts) -> tuple[dict[tuple, Tally], dict[tuple, Tally]]:
    """What the response adds to metric_hour and metric_topic, by row key."""
    tally = facts.tally()
    if tally.is_zero():
        return {}, {}
    day, hour = facts.local.date(), facts.local.hour
    hours = {(facts.location_id, day, hour, facts.staff_id or 0): tally}
    topics = {(facts.location_id, day, q, choice): tally for q, choice in facts.topic_values()}
    return hours, topics


def _difference(before: Facts | None, after: Facts) -> tuple[dict, dict]:
    """After minus before, by metric_hour and metric_topic key."""
    hours, topics = defaultdict(Tally), defaultdict(Tally)
    for sign, facts in ((-1, before), (1, after)):
        if facts is None:
            continue
        new_hours, new_topics = contributions(facts)
        for key, tally in new_hours.items():
            hours[key].add(tally, sign)
        for key, tally in new_topics.items():
            topics[key].add(tally, sign)
    return hours, topics


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
    hours, topics = _difference(before, after)
    dialect = db.session.get_bind().dialect.name
    # Rows in key order, so two transactions never wait on each other's rows crosswise.
    for key in sorted(hours):
        if not hours[key].is_zero():
            db.session.execute(
                upsert(dialect, MetricHour, hour_values(key, hours[key]), add=COUNTERS)
            )
    for key in sorted(topics):
        if not topics[key].is_zero():
            db.session.execute(
                upsert(dialect, MetricTopic, topic_values(key, topics[key]), add=COUNTERS)
            )
    if after.words and not (before and before.words):
        db.session.execute(upsert(dialect, MetricComment, comment_values(after)))
    elif before and before.words and not after.words:  # the words were erased
        db.session.execute(delete(MetricComment).where(MetricComment.response_id == response.id))


@contextmanager
def recounting(response: Response) -> Iterator[None]:
    """Apply what the block changes in the response to the rollups, in the same transaction."""
    before = facts_now(response)
    yield
    count_response(response, before)


COUNTERS = tuple(Tally.names())


def hour_values(key: tuple, tally: Tally) -> dict:
    """A metric_hour row."""
    location_id, day, hour, staff_key = key
    return {
        "location_id": location_id,
        "local_date": day,
        "hour": hour,
        "staff_key": staff_key,
        "weekday": day.weekday(),
        **dict(zip(COUNTERS, tally.values(), strict=True)),
    }


def topic_values(key: tuple, tally: Tally) -> dict:
    """A metric_topic row."""
    location_id, day, question_id, choice = key
    return {
        "location_id": location_id,
        "local_date": day,
        "question_id": question_id,
        "choice": choice,
        **dict(zip(COUNTERS, tally.values(), strict=True)),
    }


def comment_values(facts: Facts) -> dict:
    """A metric_comment row."""
    return {
        "location_id": facts.location_id,
        "captured_at": facts.captured_at,
        "response_id": facts.response_id,
        "rating": facts.rating,
    }
