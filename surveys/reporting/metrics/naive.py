"""The dashboard's sums recomputed from raw rows: the reference the rollups must equal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, false, or_, select

from surveys.db import db
from surveys.models import Alert, Location, Response
from surveys.reporting.metrics.facts import load_facts
from surveys.reporting.metrics.period import Period
from surveys.reporting.metrics.tally import Tally

CellKey = tuple[int, int]  # local weekday, local hour (each location's own)
TopicKey = tuple[int, str]  # question id, option value


@dataclass
class Tallies:
    """A period's sums by location, by heat-map cell (the locations together), by staff
    member named, and by topic."""

    locations: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    cells: dict[CellKey, Tally] = field(default_factory=lambda: defaultdict(Tally))
    staff: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    topics: dict[TopicKey, Tally] = field(default_factory=lambda: defaultdict(Tally))


def in_period(locations: list[Location], period: Period):
    """Responses captured in the period, by each location's own local days."""
    clauses = []
    for location in locations:
        start, end = period.utc_bounds(location.timezone)
        clauses.append(
            and_(
                Response.location_id == location.id,
                Response.captured_at >= start,
                Response.captured_at < end,
            )
        )
    return or_(*clauses) if clauses else false()


def naive_tallies(locations: list[Location], period: Period) -> Tallies:
    """Every response of the period, read one by one and summed."""
    tallies = Tallies()
    timezones = {location.id: location.timezone for location in locations}
    for facts in load_facts(in_period(locations, period), timezones):
        tally = facts.tally()
        if tally.is_zero():
            continue
        tallies.locations[facts.location_id].add(tally)
        tallies.cells[(facts.local.weekday(), facts.local.hour)].add(tally)
        if facts.staff_id is not None:
            tallies.staff[facts.staff_id].add(tally)
        for question_id, value in facts.topic_values():
            tallies.topics[(question_id, value)].add(tally)
    return tallies


def naive_alert_rows(locations: list[Location], period: Period) -> list[tuple]:
    """The alerts raised for the period's responses: times, status and outcome."""
    return list(
        db.session.execute(
            select(Alert.created_at, Alert.acknowledged_at, Alert.resolved_at, Alert.outcome)
            .join(Response, Response.id == Alert.response_id)
            .where(in_period(locations, period))
        )
    )
