"""Demo history: months of realistic answers and cases for the demo and the benchmarks,
written with bulk inserts (SQLAlchemy Core executemany) behind the ORM's back.

`generate_history(session, locations, responses, seed)` is deterministic for a seed and a
`now`; bench/dashboard.py uses it too. The responses are shared evenly by the locations.
"""

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from surveys.demo.bulk_insert import bulk_insert
from surveys.demo.history_cases import CASE_STATES, case_rows, case_state
from surveys.demo.history_plan import LocationPlan, Visit, plan_for
from surveys.demo.rhythm import bad_tuesday, burst_times, open_slots, visit_times
from surveys.models import Alert, AlertEvent, Answer, Customer, Location, Response, utcnow

DEFAULT_DAYS = 90
BATCH = 5000
BURST_SHARE = 0.03  # of a location's answers, all negative, on the bad Tuesday afternoon
TABLES = (Customer, Response, Answer, Alert, AlertEvent)


@dataclass(frozen=True)
class History:
    """What was written."""

    responses: int
    alerts: int
    rows: int


def generate_history(
    session: Session,
    locations: list[Location],
    responses: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    *,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> History:
    """Write `responses` answers over the last `days` days, shared by the locations, with
    their follow-ups and cases; then rebuild the dashboard's rollups. The caller commits."""
    rng = random.Random(seed)  # noqa: S311 (demo data, reproducible on purpose)
    now = now or utcnow()
    plans = [plan_for(location, session) for location in locations]
    visits = _all_visits(plans, responses, days, now, rng)
    writer = _Writer(session, now, rng)
    for visit in visits:
        writer.add(visit)
        if writer.pending >= BATCH:
            _flush(writer, progress)
    writer.ensure_every_state()
    _flush(writer, progress)
    writer.advance_sequences()
    _rebuild_rollups([location.id for location in locations])
    # Fresh planner statistics: without them (autovacuum off, or not yet run) PostgreSQL
    # reads whole tables for each batch of an export of the rows just written.
    session.execute(text("ANALYZE"))
    return History(writer.responses, writer.alerts, writer.rows)


def _all_visits(plans, responses: int, days: int, now, rng: random.Random):
    """Every location's visits, merged oldest first so ids follow time as in real life."""
    per_location = []
    for index, plan in enumerate(plans):
        count = responses // len(plans) + (index < responses % len(plans))
        burst_window = bad_tuesday(plan.location, days, now)
        burst = round(count * BURST_SHARE) if burst_window else 0
        slots = open_slots(plan.location, days, now, rng)
        usual = [
            Visit(plan, at, hour, False) for at, hour in visit_times(slots, count - burst, rng)
        ]
        bad = [Visit(plan, at, 15, True) for at in burst_times(burst_window, burst, rng)]
        per_location.append(list(heapq.merge(usual, bad, key=lambda visit: visit.at)))
    return heapq.merge(*per_location, key=lambda visit: visit.at)


def _flush(writer: "_Writer", progress) -> None:
    """Insert the rows gathered so far, table by table in the order of their keys."""
    done = writer.pending
    connection = writer.session.connection()
    for model, rows in writer.take().items():
        if rows:
            bulk_insert(connection, model.__table__, rows)
    if progress is not None and done:
        progress(done)


def _rebuild_rollups(location_ids: list[int]) -> None:
    """Let the metrics recompute what they keep from the rows just written."""
    from surveys.reporting.metrics import rebuild_rollups

    rebuild_rollups(location_ids)


class _Writer:
    """Turns visits into rows, handing out ids the way the database would."""

    def __init__(self, session: Session, now: datetime, rng: random.Random):
        self.session, self.now, self.rng = session, now, rng
        self.next_ids = {model: self._max_id(model) + 1 for model in TABLES}
        self.rows_of: dict = {model: [] for model in TABLES}
        self.pending = self.responses = self.alerts = self.rows = 0
        self.states_seen: set[str] = set()
        self.recent_cases: list[tuple[dict, dict]] = []  # the last few, kept back

    def _max_id(self, model) -> int:
        return self.session.scalar(select(func.coalesce(func.max(model.id), 0)))

    def new_id(self, model) -> int:
        """The next id of a table."""
        self.next_ids[model] += 1
        return self.next_ids[model] - 1

    def add(self, visit: Visit) -> None:
        """One customer's answer, its follow-up and, when negative, its case."""
        response, answers, customer = visit.plan.rows(visit, self)
        if customer is not None:
            self.rows_of[Customer].append(customer)
        self.rows_of[Response].append(response)
        self.rows_of[Answer].extend(answers)
        self.pending += 1
        self.responses += 1
        if response["is_negative"]:
            self._add_case(visit.plan, response)

    def _add_case(self, plan: LocationPlan, response: dict) -> None:
        """The alert of a negative response, as far as its age allows."""
        created = response["received_at"]
        case = {
            "id": self.new_id(Alert),
            "response_id": response["id"],
            "location_id": response["location_id"],
            "created_at": created,
            "actor_id": plan.actor(self.rng),
            "details_at": response["follow_up_at"],
        }
        state = case_state(self.now - created, self.rng)
        self.alerts += 1
        self.recent_cases.append((case, state))
        if len(self.recent_cases) > len(CASE_STATES):
            self._write_case(*self.recent_cases.pop(0))

    def _write_case(self, case: dict, state: str) -> None:
        alert, events = case_rows(case, state, self.now, self.rng)
        self.states_seen.add(state)
        self.rows_of[Alert].append(alert)
        for at, actor_id, kind, note, data in events:
            self.rows_of[AlertEvent].append(
                {
                    "id": self.new_id(AlertEvent),
                    "alert_id": alert["id"],
                    "location_id": alert["location_id"],
                    "at": at,
                    "actor_id": actor_id,
                    "kind": kind.value,
                    "note": note,
                    "data": data,
                }
            )

    def ensure_every_state(self) -> None:
        """The newest cases take the states the history has not shown yet, if any."""
        missing = [state for state in CASE_STATES if state not in self.states_seen]
        for case, state in self.recent_cases:
            chosen = missing.pop(0) if missing else state
            self._write_case(case, chosen)
        self.recent_cases = []

    def take(self) -> dict:
        """The rows gathered since the last call."""
        taken, self.rows_of = self.rows_of, {model: [] for model in TABLES}
        self.rows += sum(len(rows) for rows in taken.values())
        self.pending = 0
        return taken

    def advance_sequences(self) -> None:
        """PostgreSQL's id sequences learn of the ids given here, so later inserts go on."""
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            return
        for model in TABLES:
            table = model.__table__.name
            sql = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))"  # noqa: S608, E501 (names from the models)
            connection.execute(text(sql))
