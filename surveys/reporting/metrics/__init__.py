"""Dashboard numbers (issue 5): the one place they come from.

Periods are local calendar days in each location's own time zone. Satisfaction numbers
(responses, ratings, CSAT, NPS, negative share, heat map, rows by location, staff and topic,
silent complainers) leave out responses flagged as suspected misuse: a second press on a
tablet within the location's response interval is not another customer's opinion, and no
alert was raised for it. The latest comments still show such a response's words, if any.
CSAT is the share of 1–5 main ratings (faces, stars) rated 4 or 5; NPS comes from the
answers to NPS questions. Recovery counts the alerts raised for the period's responses.

The numbers are read from rollups kept in the transaction that stores each answer
(rollups.py here, surveys/models/metrics.py; the cases' outcomes and durations in
histograms, durations.py here and surveys/models/case_histogram.py); anything that writes
responses behind surveys/capture/responses.py's back (bulk loaders, imports) calls
rebuild_rollups(), as does a location's change of time zone; the erase and the retention
purge recount what they change;
`db upgrade` fills rollups it finds empty beside stored answers (backfill.py here).
naive_dashboard() and naive_latest_comments() recompute the same from the raw rows; the
tests hold the two equal.
"""

from __future__ import annotations

from sqlalchemy import select

from surveys.db import db
from surveys.models import Location
from surveys.reporting.metrics.assemble import build_dashboard, recovery
from surveys.reporting.metrics.comments import comment_ids, comments_for
from surveys.reporting.metrics.durations import histogram_recovery
from surveys.reporting.metrics.fast import (
    rollup_comment_ids,
    rollup_tallies,
    rollup_total,
)
from surveys.reporting.metrics.naive import naive_alert_rows, naive_tallies
from surveys.reporting.metrics.period import PERIOD_KINDS, Period
from surveys.reporting.metrics.rebuild import rebuild
from surveys.reporting.metrics.tally import Tally, total
from surveys.reporting.metrics.types import (
    Comment,
    Dashboard,
    GroupRow,
    HeatCell,
    Recovery,
    Summary,
)

__all__ = [
    "PERIOD_KINDS",
    "Comment",
    "Dashboard",
    "GroupRow",
    "HeatCell",
    "Period",
    "Recovery",
    "Summary",
    "dashboard",
    "latest_comments",
    "rebuild_rollups",
]


class NaiveSource:
    """Sums recomputed from the raw rows: the reference."""

    tallies = staticmethod(naive_tallies)

    @staticmethod
    def recovery(locations: list[Location], period: Period, silent: int) -> Recovery:
        """Service recovery from the alerts of the period's responses, one by one."""
        return recovery(naive_alert_rows(locations, period), silent)

    @staticmethod
    def total(locations: list[Location], period: Period) -> Tally:
        """All the period's sums together."""
        return total(naive_tallies(locations, period).locations.values())


class RollupSource:
    """Sums read from the rollups kept on write."""

    tallies = staticmethod(rollup_tallies)
    total = staticmethod(rollup_total)
    recovery = staticmethod(histogram_recovery)


def _locations(location_ids: list[int]) -> list[Location]:
    """The locations asked for (the caller has scoped them)."""
    return list(db.session.scalars(select(Location).where(Location.id.in_(location_ids))))


def dashboard(location_ids: list[int], period: Period, language: str) -> Dashboard:
    """Every dashboard number for these locations (already scoped by the caller)."""
    return build_dashboard(RollupSource, _locations(location_ids), period, language)


def naive_dashboard(location_ids: list[int], period: Period, language: str) -> Dashboard:
    """The same numbers recomputed from the raw rows: slow, the reference for tests."""
    return build_dashboard(NaiveSource, _locations(location_ids), period, language)


def latest_comments(
    location_ids: list[int],
    period: Period,
    language: str,
    *,
    topic: str | None = None,
    rating: int | None = None,
    limit: int = 20,
) -> list[Comment]:
    """The newest responses with the customer's words, optionally by topic and rating."""
    locations = _locations(location_ids)
    ids = rollup_comment_ids(locations, period, topic, rating, limit)
    return comments_for(ids, locations, language)


def naive_latest_comments(location_ids, period, language, *, topic=None, rating=None, limit=20):
    """The same comments found in the raw rows: the reference for tests."""
    locations = _locations(location_ids)
    ids = comment_ids(locations, period, topic, rating, limit)
    return comments_for(ids, locations, language)


def rebuild_rollups(location_ids: list[int] | None = None) -> int:
    """Recompute the rollups from the raw rows (bulk loaders call it); returns rows written."""
    return rebuild(location_ids)
