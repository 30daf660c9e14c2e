"""Dashboard numbers (issue 5): the one place they come from.

Periods are local calendar days in each location's own time zone. Satisfaction numbers
(responses, ratings, CSAT, NPS, negative share, heat map, rows by location, staff and topic,
silent complainers) leave out responses flagged as suspected misuse: a second press on a
tablet within the location's response interval is not another customer's opinion, and no
alert was raised for it. The latest comments still show such a response's words, if any.
CSAT is the share of 1–5 main ratings (faces, stars) rated 4 or 5; NPS comes from the
answers to NPS questions. Recovery counts the alerts raised for the period's responses.
"""

from __future__ import annotations

from sqlalchemy import select

from surveys.db import db
from surveys.metrics.assemble import build_dashboard
from surveys.metrics.comments import comment_ids, comments_for
from surveys.metrics.naive import naive_alert_rows, naive_tallies
from surveys.metrics.period import PERIOD_KINDS, Period
from surveys.metrics.types import Comment, Dashboard, GroupRow, HeatCell, Recovery, Summary
from surveys.models import Location

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
    """Sums recomputed from the raw rows."""

    tallies = staticmethod(naive_tallies)
    alert_rows = staticmethod(naive_alert_rows)


def _locations(location_ids: list[int]) -> list[Location]:
    return list(db.session.scalars(select(Location).where(Location.id.in_(location_ids))))


def dashboard(location_ids: list[int], period: Period, language: str) -> Dashboard:
    """Every dashboard number for these locations (already scoped by the caller)."""
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
    ids = comment_ids(locations, period, topic, rating, limit)
    return comments_for(ids, locations, language)


def rebuild_rollups(location_ids: list[int] | None = None) -> int:
    """Recompute the rollups from raw rows; rows written (0: none kept yet)."""
    return 0
