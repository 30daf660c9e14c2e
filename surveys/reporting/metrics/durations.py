"""Service recovery read from the case histograms (surveys/models/case_histogram.py):
counts by outcome and the two medians, exact, without sorting the period's cases.

A period's counts are summed over the few spans of days that make it up; a median walks
those bucket counts to the bucket holding the middle case (or the middle two), then that
bucket's exact durations in the period, in order. What is read depends on the shops, the
days and the buckets, and only the middle bucket's share on the traffic.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Location, MetricCaseCount, MetricDuration, Outcome
from surveys.models.case_histogram import DURATIONS, OUTCOMES, spans_of
from surveys.reporting.metrics.assemble import recovery_of
from surveys.reporting.metrics.period import Period
from surveys.reporting.metrics.types import Recovery


def case_counts(locations: list[Location], period: Period) -> dict[str, dict[int, int]]:
    """The period's cases by what is counted and bucket."""
    count = MetricCaseCount
    ids = [location.id for location in locations]
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    # A statement per run of spans (a few): SQLite kept every row's key to skip duplicates
    # in an OR of the runs, and PostgreSQL sent a UNION ALL of them to parallel workers.
    for size, first, last in spans_of(period.first, period.last):
        for what, slot, cases in db.session.execute(
            select(count.what, count.bucket, func.sum(count.cases))
            .where(count.location_id.in_(ids), count.span == size, count.start.between(first, last))
            .group_by(count.what, count.bucket)
        ):
            counts[what][slot] += int(cases)
    return {what: {slot: n for slot, n in slots.items() if n} for what, slots in counts.items()}


def _exact(locations: list[Location], period: Period, what: str, slot: int) -> list[tuple]:
    """A bucket's exact durations in the period, in order, with how many cases took each."""
    duration = MetricDuration
    return db.session.execute(
        select(duration.seconds, func.sum(duration.cases))
        .where(
            duration.location_id.in_([location.id for location in locations]),
            duration.what == what,
            duration.bucket == slot,
            duration.local_date.between(period.first, period.last),
        )
        .group_by(duration.seconds)
        .order_by(duration.seconds)
    ).all()


def _nth(pairs, rank: int):
    """The key at 0-based `rank` of (key, how many) pairs in order, and the rank left over
    (None past the end)."""
    for key, n in pairs:
        if rank < n:
            return key, rank
        rank -= n
    return None, rank


def median(locations: list[Location], period: Period, what: str, buckets: dict[int, int]):
    """The median duration, as statistics.median of every case's value: the middle one or
    the mean of the middle two."""
    total = sum(buckets.values())
    if not total:
        return None
    ordered = sorted(buckets.items())
    middle, exact = [], {}
    for rank in sorted({(total - 1) // 2, total // 2}):
        slot, within = _nth(ordered, rank)
        if slot not in exact:
            exact[slot] = [(s, int(n)) for s, n in _exact(locations, period, what, slot)]
        middle.append(_nth(exact[slot], within)[0])
    return middle[0] if total % 2 else (middle[0] + middle[1]) / 2


def histogram_recovery(locations: list[Location], period: Period, silent: int) -> Recovery:
    """The cases of the period's responses: counts by outcome and the medians."""
    counts = case_counts(locations, period)
    outcomes = {
        Outcome(OUTCOMES[slot]) if OUTCOMES[slot] else None: n
        for slot, n in counts.get("outcome", {}).items()
    }
    acknowledge, resolve = (
        median(locations, period, what, counts.get(what, {})) for what in DURATIONS
    )
    return recovery_of(sum(outcomes.values()), acknowledge, resolve, outcomes, silent)
