"""From sums to the dashboard: summary, heat map, rows by location, staff and topic,
and service recovery. Whichever way the sums were made, the numbers are made here."""

from __future__ import annotations

from collections import defaultdict
from itertools import product
from statistics import median
from typing import Protocol

from sqlalchemy import select

from surveys.cases.feedback import option_label
from surveys.db import db
from surveys.models import Location, Outcome, Question, Staff
from surveys.reporting.metrics.naive import Tallies
from surveys.reporting.metrics.period import Period
from surveys.reporting.metrics.tally import Tally, total
from surveys.reporting.metrics.types import Dashboard, GroupRow, HeatCell, Recovery


class Source(Protocol):
    """Where the sums come from: raw rows (naive) or rollups (fast)."""

    def tallies(self, locations: list[Location], period: Period) -> Tallies: ...
    def total(self, locations: list[Location], period: Period) -> Tally: ...
    def recovery(self, locations: list[Location], period: Period, silent: int) -> Recovery: ...


def build_dashboard(source: Source, locations: list[Location], period: Period, language: str):
    """The whole dashboard for these locations and period, compared with the one before."""
    current = source.tallies(locations, period)
    current_total = total(current.locations.values())
    before_total = source.total(locations, period.previous())
    return Dashboard(
        period=period,
        summary=current_total.summary(),
        previous=before_total.summary(),
        heat_map=heat_map(current),
        by_location=by_location(current, locations),
        by_staff=by_staff(current),
        by_topic=by_topic(current, language),
        recovery=source.recovery(locations, period, current_total.silent),
        previous_recovery=source.recovery(locations, period.previous(), before_total.silent),
    )


def heat_map(tallies: Tallies) -> list[HeatCell]:
    """All 7 × 24 local weekday-hour cells, Monday 0:00 first."""
    empty = Tally()
    cells = [(key, tallies.cells.get(key, empty)) for key in product(range(7), range(24))]
    return [HeatCell(*key, cell.responses, cell.summary().csat) for key, cell in cells]


def by_location(tallies: Tallies, locations: list[Location]) -> list[GroupRow]:
    """One row per location asked for, those without responses included."""
    sums, empty = tallies.locations, Tally()
    ordered = sorted(locations, key=lambda location: (location.name, location.id))
    return [sums.get(location.id, empty).row(location.id, location.name) for location in ordered]


def by_staff(tallies: Tallies) -> list[GroupRow]:
    """One row per staff member named in the period, with how often they were praised."""
    sums = tallies.staff
    names = dict(db.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(sums))).all())
    rows = [sums[sid].row(sid, names.get(sid, ""), praise=True) for sid in sums]
    return sorted(rows, key=lambda row: (row.label, row.key))


def by_topic(tallies: Tallies, language: str) -> list[GroupRow]:
    """One row per complaint topic chosen, most chosen first, labelled in `language`."""
    sums = defaultdict(Tally)
    question_of: dict[str, int] = {}
    for (question_id, value), tally in tallies.topics.items():
        sums[value].add(tally)
        question_of[value] = max(question_id, question_of.get(value, 0))  # newest wording
    questions = {
        q.id: q
        for q in db.session.scalars(select(Question).where(Question.id.in_(question_of.values())))
    }
    rows = [
        sums[value].row(value, option_label(questions[question_of[value]], value, language))
        for value in sums
    ]
    return sorted(rows, key=lambda row: (-row.responses, row.label))


def recovery(alert_rows: list[tuple], silent: int) -> Recovery:
    """Service recovery from the alerts' (created, acknowledged, resolved, outcome) rows."""
    acknowledge = [(a - c).total_seconds() for c, a, _r, _o in alert_rows if a is not None]
    resolve = [(r - c).total_seconds() for c, _a, r, _o in alert_rows if r is not None]
    outcomes = defaultdict(int)
    for *_times, outcome in alert_rows:
        if outcome is not None:
            outcomes[Outcome(outcome)] += 1
    return recovery_of(
        len(alert_rows),
        median(acknowledge) if acknowledge else None,
        median(resolve) if resolve else None,
        outcomes,
        silent,
    )


def recovery_of(alerts: int, acknowledge, resolve, outcomes: dict, silent: int) -> Recovery:
    """The recovery numbers from counts by outcome and the two medians."""
    closed = sum(outcomes.get(outcome, 0) for outcome in Outcome)
    won_back = outcomes.get(Outcome.WON_BACK, 0)
    return Recovery(
        alerts=alerts,
        median_acknowledge_seconds=acknowledge,
        median_resolve_seconds=resolve,
        won_back=won_back,
        neutral=outcomes.get(Outcome.NEUTRAL, 0),
        lost=outcomes.get(Outcome.LOST, 0),
        closed=closed,
        recovery_rate=won_back / closed if closed else None,
        silent_complainers=silent,
    )
