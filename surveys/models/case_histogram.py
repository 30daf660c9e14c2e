"""What one case adds to the case histograms (metric_case_count and metric_duration).

Plain functions of a case's metric_alert values, no database: the flush hook, the rebuild
and migration 0020's backfill all count a case the same way.

- metric_case_count: cases by location, span of local days, what is counted and a bucket.
  Counted: the outcome (bucket: OUTCOMES' index, 0 while open) and the time to acknowledge
  and to resolve, each in a duration bucket (bucket() below). Each case is counted in one
  span of every size in SPANS: the block of 1, 4, 16, 64 and 256 days (counted from day 1
  of the calendar) holding its response's local day. A period is a few such blocks (about
  a dozen for a year, never more than 25), so its counts are read from at most that many
  spans times the buckets, however many cases there are.
- metric_duration: the exact durations, by location, what, bucket and local day, with how
  many cases took exactly that long. A median is found by walking the period's bucket
  counts to the bucket holding the middle case, then that bucket's exact values in order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

OUTCOMES = (None, "won_back", "neutral", "lost")  # bucket of each outcome (None: open)
DURATIONS = ("acknowledge", "resolve")
SPANS = (256, 64, 16, 4, 1)  # days, largest first
SUB_BUCKETS = 3  # 2 ** 3 buckets per doubling of the duration above 16 s


def bucket(seconds: float) -> int:
    """The duration bucket of a number of seconds: whole seconds up to 15, then 8 buckets
    per doubling (each 6-12% wide). Never decreasing with the seconds, so the buckets keep
    the durations' order."""
    n = max(0, math.floor(seconds))
    if n < 2 ** (SUB_BUCKETS + 1):
        return n
    e = n.bit_length()
    top = n >> (e - SUB_BUCKETS - 1)  # the leading bits: 1xxx
    return (e - SUB_BUCKETS) * 2**SUB_BUCKETS + (top & (2**SUB_BUCKETS - 1))


def span_start(day: date, size: int) -> date:
    """The first day of the span of `size` days holding the day."""
    return date.fromordinal((day.toordinal() - 1) // size * size + 1)


def spans_of(first: date, last: date) -> list[tuple[int, date, date]]:
    """first..last as the fewest whole spans, in runs of one size: (size, first start,
    last start) of each run."""
    runs: list[tuple[int, date, date]] = []
    day, end = first.toordinal(), last.toordinal()
    while day <= end:
        size = next(s for s in SPANS if (day - 1) % s == 0 and day + s - 1 <= end)
        start = date.fromordinal(day)
        if runs and runs[-1][0] == size:
            runs[-1] = (size, runs[-1][1], start)
        else:
            runs.append((size, start, start))
        day += size
    return runs


def case_rows(case: dict | None) -> tuple[dict, dict]:
    """One case's (metric_case_count keys, metric_duration keys), each key counted once.

    `case` holds metric_alert's location_id, local_date, outcome, acknowledge_seconds and
    resolve_seconds; None adds nothing."""
    if case is None:
        return {}, {}
    where, day = case["location_id"], case["local_date"]
    counted = [("outcome", OUTCOMES.index(case["outcome"]))]
    durations = {}
    for what in DURATIONS:
        seconds = case[f"{what}_seconds"]
        if seconds is not None:
            counted.append((what, bucket(seconds)))
            durations[(where, what, bucket(seconds), day, seconds)] = 1
    counts = {}
    for what, slot in counted:
        for size in SPANS:
            counts[(where, size, span_start(day, size), what, slot)] = 1
    return counts, durations


def change(before: dict | None, after: dict | None) -> tuple[dict, dict]:
    """What turning a case from `before` into `after` adds to each histogram, by key
    (negative to take away), zero changes left out."""
    sums = (defaultdict(int), defaultdict(int))
    for case, sign in ((after, 1), (before, -1)):
        for total, rows in zip(sums, case_rows(case), strict=True):
            for key, n in rows.items():
                total[key] += sign * n
    return tuple({k: n for k, n in total.items() if n} for total in sums)


def add_up(cases) -> tuple[dict, dict]:
    """The histograms of many cases (a rebuild or a backfill), by key."""
    sums = (defaultdict(int), defaultdict(int))
    for case in cases:
        for total, rows in zip(sums, case_rows(case), strict=True):
            for key, n in rows.items():
                total[key] += n
    return sums


COUNT_KEYS = ("location_id", "span", "start", "what", "bucket")
DURATION_KEYS = ("location_id", "what", "bucket", "local_date", "seconds")


def as_rows(counts: dict, durations: dict) -> tuple[list[dict], list[dict]]:
    """Keyed sums as metric_case_count and metric_duration rows, in key order."""
    return (
        [dict(zip(COUNT_KEYS, key, strict=True), cases=n) for key, n in sorted(counts.items())],
        [
            dict(zip(DURATION_KEYS, key, strict=True), cases=n)
            for key, n in sorted(durations.items())
        ],
    )
