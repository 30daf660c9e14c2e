"""Dashboard rollups: sums kept up to date as responses and cases are written, so a
dashboard over a year reads a few thousand rows, not a million (see surveys/reporting/metrics).

Local dates and hours are in each location's own time zone. The rollups are derived data:
`flask --app wsgi metrics rebuild` recomputes them from the raw rows at any time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Double,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    bindparam,
    event,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.base import NO_VALUE

from surveys.db import db
from surveys.models.alerts import Alert
from surveys.models.case_histogram import as_rows, change
from surveys.models.locations import Location
from surveys.models.responses import Response

# SQLite: the primary key is the table's order, so a period is one contiguous range.
CLUSTERED = {"sqlite_with_rowid": False}


class Counters:
    """The sums every rollup keeps (the names of surveys.reporting.metrics.tally.Tally)."""

    responses: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    negative: Mapped[int] = mapped_column(default=0)
    praised: Mapped[int] = mapped_column(default=0)
    silent: Mapped[int] = mapped_column(default=0)
    nps_answers: Mapped[int] = mapped_column(default=0)
    promoters: Mapped[int] = mapped_column(default=0)
    detractors: Mapped[int] = mapped_column(default=0)


class MetricHour(Counters, db.Model):
    """Sums by location, local day and local hour: the heat map, totals and locations."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # 0 = Monday, of local_date


class MetricStaff(Counters, db.Model):
    """Sums by location, local day and the staff member a response names (named ones only).

    Apart from metric_hour, so a year of heat map reads one row per local hour, not one
    per hour and staff member."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id"), primary_key=True, autoincrement=False
    )


class MetricTopic(Counters, db.Model):
    """Sums by location, local day and complaint topic (a multi question's option)."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), primary_key=True)
    choice: Mapped[str] = mapped_column(String(64), primary_key=True)


class MetricAlert(db.Model):
    """A copy of a response's case, filed under the local day the response was captured."""

    __table_args__ = (Index("ix_metric_alert_alert_id", "alert_id", unique=True), CLUSTERED)

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    # created_at to acknowledged_at / resolved_at, so the database finds the medians.
    acknowledge_seconds: Mapped[float | None] = mapped_column(Double)
    resolve_seconds: Mapped[float | None] = mapped_column(Double)


class MetricCaseCount(db.Model):
    """Cases of the responses captured in a span of local days (`span` days from `start`),
    by outcome and by duration bucket (surveys/models/case_histogram.py)."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    span: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    start: Mapped[date] = mapped_column(primary_key=True)
    what: Mapped[str] = mapped_column(String(12), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    cases: Mapped[int] = mapped_column(default=0)


class MetricDuration(db.Model):
    """How many cases of a local day took exactly so many seconds to acknowledge or to
    resolve: the exact values behind a duration bucket, in order."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    what: Mapped[str] = mapped_column(String(12), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    seconds: Mapped[float] = mapped_column(Double, primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)


class MetricComment(db.Model):
    """A response with the customer's own words, in time order per location."""

    __table_args__ = CLUSTERED

    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    captured_at: Mapped[datetime] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    rating: Mapped[int | None]


@cache
def upsert(dialect: str, model, add: tuple[str, ...] = (), replace: tuple[str, ...] = ()):
    """INSERT the rows given as parameters, or on a key clash add to the `add` columns and
    overwrite the `replace` ones. Built once per shape and run with the rows' values:
    building the statement cost more than running it."""
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    table = model.__table__
    statement = insert(table)
    keys = [column.name for column in table.primary_key]
    changes = {name: table.c[name] + statement.excluded[name] for name in add}
    changes |= {name: statement.excluded[name] for name in replace}
    if not changes:
        return statement.on_conflict_do_nothing(index_elements=keys)
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)


CASE_COLUMNS = (
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "outcome",
    "acknowledge_seconds",
    "resolve_seconds",
)


def case_values(alert_id, location_id, local_date, created, acknowledged, resolved, outcome):
    """A metric_alert row: the case's times, outcome and durations."""
    return {
        "location_id": location_id,
        "local_date": local_date,
        "alert_id": alert_id,
        "created_at": created,
        "acknowledged_at": acknowledged,
        "resolved_at": resolved,
        "outcome": outcome.value if outcome else None,
        "acknowledge_seconds": (acknowledged - created).total_seconds() if acknowledged else None,
        "resolve_seconds": (resolved - created).total_seconds() if resolved else None,
    }


# The case columns the histograms count.
COUNTED = ("created_at", "acknowledged_at", "resolved_at", "outcome", "response_id")


@event.listens_for(Alert, "after_insert")
def _file_new_case(_mapper, connection, alert: Alert) -> None:
    """A new case: its metric_alert copy, and its counts in the histograms. It has no copy
    yet (a deleted alert's copy went with it), so none is read first."""
    _file_case(connection, alert, counted=True, new=True)


@event.listens_for(Alert, "after_update")
def _file_changed_case(_mapper, connection, alert: Alert) -> None:
    """A changed case: its copy again; the histograms only when its times or outcome moved."""
    state = inspect(alert)
    moved = any(state.attrs[name].history.has_changes() for name in COUNTED)
    _file_case(connection, alert, counted=moved)


def _file_case(connection, alert: Alert, counted: bool, new: bool = False) -> None:
    """Copy a response's case into metric_alert in the same flush, whoever changed it, and
    apply the change to the case histograms (the copy before the change says what it was)."""
    if alert.response_id is None:
        return
    captured_at, timezone = _captured_where(connection, alert)
    local = captured_at.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    values = case_values(
        alert.id,
        alert.location_id,
        local.date(),
        alert.created_at,
        alert.acknowledged_at,
        alert.resolved_at,
        alert.outcome,
    )
    before = None
    if counted and not new:
        before = connection.execute(
            select(*(MetricAlert.__table__.c[name] for name in HISTOGRAM_COLUMNS)).where(
                MetricAlert.alert_id == alert.id
            )
        ).first()
    connection.execute(upsert(connection.dialect.name, MetricAlert, replace=CASE_COLUMNS), values)
    if counted:
        count_case(connection, before._asdict() if before else None, values)


def _captured_where(connection, alert: Alert) -> tuple[datetime, str]:
    """When the case's response was captured and its location's time zone: from the
    objects in hand when the flush has them loaded (a tap raising its case), else read."""
    response = inspect(alert).attrs.response.loaded_value
    if response is not NO_VALUE and response is not None:
        location = inspect(response).attrs.location.loaded_value
        if location is not NO_VALUE and location is not None:
            loaded = response.__dict__.get("captured_at"), location.__dict__.get("timezone")
            if None not in loaded:
                return loaded
    return connection.execute(_CAPTURED_WHERE, {"response_id": alert.response_id}).one()


_CAPTURED_WHERE = (
    select(Response.captured_at, Location.timezone)
    .join(Location, Location.id == Response.location_id)
    .where(Response.id == bindparam("response_id"))
)


HISTOGRAM_COLUMNS = (
    "location_id",
    "local_date",
    "outcome",
    "acknowledge_seconds",
    "resolve_seconds",
)


def count_case(connection, before: dict | None, after: dict | None) -> None:
    """Apply a case's change (None: no case) to metric_case_count and metric_duration."""
    for model, rows in zip(
        (MetricCaseCount, MetricDuration), as_rows(*change(before, after)), strict=True
    ):
        if rows:
            connection.execute(upsert(connection.dialect.name, model, add=("cases",)), rows)
