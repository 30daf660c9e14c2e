"""The case histograms (metric_case_count, metric_duration) kept on write: the recovery
counts and median durations read from them equal those computed from the cases
themselves, through acknowledge, resolve, close and reopen, across duration buckets and
the spans of days periods are read in, after a rebuild and after migration 0020's
backfill."""

from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.models import (
    Alert,
    AlertStatus,
    MetricCaseCount,
    MetricDuration,
    Outcome,
    Remedy,
    Response,
    Role,
)
from surveys.models.case_histogram import bucket, span_start, spans_of
from surveys.reporting.metrics import Period, dashboard, naive_dashboard, rebuild_rollups
from tests.case_factories import make_user
from tests.conftest import TEST_DATABASE_URL, _postgres_url_for_worker
from tests.metrics_factories import make_shop, respond
from wsgi import create_app

# 86 days: read as spans of 1, 4, 16 and 64 days.
WINTER = Period(date(2026, 1, 15), date(2026, 4, 10))
YEREVAN = ZoneInfo("Asia/Yerevan")
# Seconds to acknowledge: equal values, fractions, and neighbours in different buckets.
ACKNOWLEDGE = [15.5, 16.0, 16.0, 31.999, 32.0, 47.25, 90.0, 90.0, 600.125, 1800.0, 7.0]
RESOLVE = [60.0, 300.5, 301.0, 1200.0, 86_400.0, 86_400.0, 172_800.75, 3600.0]


@pytest.fixture
def shop(app_context):
    survey = create_quick_faces_survey()
    location = make_shop("Yerevan", "Asia/Yerevan")
    db.session.commit()
    return location, survey


def _winter_cases(location, survey) -> list[Alert]:
    """Cases on days inside WINTER, at its edges (in Yerevan time) and just outside."""
    moments = [
        datetime(2026, 1, 14, 19, 30),  # 23:30 on the 14th in Yerevan: outside
        datetime(2026, 1, 14, 20, 30),  # 00:30 on the 15th: the first day
        datetime(2026, 1, 31, 20, 30),  # 00:30 on 1 February
        datetime(2026, 2, 14, 12, 0),
        datetime(2026, 2, 28, 19, 59),  # 23:59 on the 28th
        datetime(2026, 3, 1, 8, 0),
        datetime(2026, 3, 31, 19, 0),
        datetime(2026, 4, 1, 9, 0),
        datetime(2026, 4, 10, 19, 59),  # 23:59 on the last day
        datetime(2026, 4, 10, 20, 1),  # 00:01 on the 11th: outside
        datetime(2026, 3, 15, 10, 0),
        datetime(2026, 1, 20, 10, 0),
    ]
    return [respond(location, survey, at, 1).alert for at in moments]


def _handle(alert: Alert, acknowledge=None, resolve=None, outcome=None) -> None:
    """Take a case as far as given, seconds after it was raised (the flush counts it)."""
    if acknowledge is not None:
        alert.acknowledged_at = alert.created_at + timedelta(seconds=acknowledge)
        alert.status = AlertStatus.ACKNOWLEDGED
    if resolve is not None:
        alert.resolved_at = alert.created_at + timedelta(seconds=resolve)
        alert.status = AlertStatus.RESOLVED
    if outcome is not None:
        alert.outcome, alert.status = outcome, AlertStatus.CLOSED
    db.session.flush()


def _from_the_cases(location_id: int, period: Period) -> tuple:
    """The period's recovery computed here, from the cases: count, medians, outcomes."""
    cases = db.session.execute(
        select(Alert, Response.captured_at)
        .join(Response, Response.id == Alert.response_id)
        .where(Alert.location_id == location_id)
    ).all()
    local_day = lambda at: at.replace(tzinfo=ZoneInfo("UTC")).astimezone(YEREVAN).date()  # noqa: E731
    inside = [a for a, at in cases if period.first <= local_day(at) <= period.last]
    acknowledge = [
        (a.acknowledged_at - a.created_at).total_seconds() for a in inside if a.acknowledged_at
    ]
    resolve = [(a.resolved_at - a.created_at).total_seconds() for a in inside if a.resolved_at]
    outcomes = [a.outcome for a in inside if a.outcome]
    return (
        len(inside),
        median(acknowledge) if acknowledge else None,
        median(resolve) if resolve else None,
        outcomes.count(Outcome.WON_BACK),
        outcomes.count(Outcome.LOST),
    )


def _recovery(location_id: int, period: Period) -> tuple:
    """The same numbers as the dashboard reads them from the histograms."""
    recovery = dashboard([location_id], period, "en").recovery
    return (
        recovery.alerts,
        recovery.median_acknowledge_seconds,
        recovery.median_resolve_seconds,
        recovery.won_back,
        recovery.lost,
    )


def _exact_everywhere(location_id: int) -> None:
    """Histograms, cases and the naive recomputation agree for WINTER and other periods."""
    for period in (
        WINTER,
        Period(date(2026, 2, 1), date(2026, 3, 31)),
        Period(date(2026, 2, 10), date(2026, 2, 20)),
        Period(date(2026, 2, 14), date(2026, 2, 14)),
        Period(date(2026, 1, 1), date(2026, 12, 31)),
    ):
        assert _recovery(location_id, period) == _from_the_cases(location_id, period), period
        fast = dashboard([location_id], period, "en")
        assert fast.recovery == naive_dashboard([location_id], period, "en").recovery


def _histograms() -> set[tuple]:
    """Every histogram row that counts something."""
    counts = db.session.execute(
        select(MetricCaseCount.location_id, MetricCaseCount.span, MetricCaseCount.start)
        .add_columns(MetricCaseCount.what, MetricCaseCount.bucket, MetricCaseCount.cases)
        .where(MetricCaseCount.cases != 0)
    ).all()
    durations = db.session.execute(
        select(MetricDuration.location_id, MetricDuration.what, MetricDuration.bucket)
        .add_columns(MetricDuration.local_date, MetricDuration.seconds, MetricDuration.cases)
        .where(MetricDuration.cases != 0)
    ).all()
    return {("count", *row) for row in counts} | {("duration", *row) for row in durations}


def test_buckets_keep_the_order_of_the_durations():
    seconds = [0.0, 0.5, 1.0, 15.5, 15.99, 16.0, 31.999, 32.0, 1e3, 86_400.0, 1e7, 3e9]
    buckets = [bucket(s) for s in seconds]
    assert buckets == sorted(buckets)
    assert bucket(15.5) != bucket(16.0) and bucket(31.999) != bucket(32.0)
    assert bucket(-2.0) == bucket(0.0)  # a clock set back counts as no time at all


def test_a_period_is_read_as_whole_spans_that_cover_each_day_once():
    for first in (date(2025, 12, 5) + timedelta(days=n) for n in range(0, 400, 7)):
        for length in (1, 2, 7, 30, 31, 90, 365, 366):
            last = first + timedelta(days=length - 1)
            days = []
            for size, start, end in spans_of(first, last):
                assert span_start(start, size) == start and span_start(end, size) == end
                for n in range(0, (end - start).days + 1, size):
                    days += [start + timedelta(days=n + k) for k in range(size)]
            assert days == [first + timedelta(days=n) for n in range(length)], (first, length)


def test_medians_and_outcomes_kept_on_write_are_exact(shop):
    location, survey = shop
    cases = _winter_cases(location, survey)
    for n, alert in enumerate(cases):
        _handle(
            alert,
            acknowledge=ACKNOWLEDGE[n % len(ACKNOWLEDGE)],
            resolve=RESOLVE[n % len(RESOLVE)] + ACKNOWLEDGE[n % len(ACKNOWLEDGE)]
            if n % 3
            else None,
            outcome=(Outcome.WON_BACK, Outcome.LOST, None)[n % 3] if n % 3 else None,
        )
    db.session.commit()
    assert _recovery(location.id, WINTER)[0] == 10  # two of the twelve fall outside
    _exact_everywhere(location.id)


def test_an_even_count_takes_the_mean_of_two_neighbouring_buckets(shop):
    location, survey = shop
    first, second = (respond(location, survey, datetime(2026, 2, 3, 9, h), 1).alert for h in (1, 2))
    _handle(first, acknowledge=15.5)
    _handle(second, acknowledge=16.25)
    db.session.commit()
    assert dashboard([location.id], WINTER, "en").recovery.median_acknowledge_seconds == 15.875
    _exact_everywhere(location.id)


def test_acknowledge_resolve_close_reopen_and_close_again_move_the_counts(shop):
    location, survey = shop
    manager = make_user("manager@example.com", Role.MANAGER, [location])
    cases = _winter_cases(location, survey)
    db.session.commit()
    _exact_everywhere(location.id)
    for alert in cases[:8]:
        alert.acknowledge(by=manager)
        alert.resolve(by=manager, remedy=Remedy.APOLOGY)
    for alert in cases[:5]:
        alert.close(by=manager, outcome=Outcome.WON_BACK)
    db.session.commit()
    assert _recovery(location.id, WINTER)[3] == 4  # the first case is outside WINTER
    _exact_everywhere(location.id)
    for alert in cases[1:4]:
        alert.reopen(by=manager)
    db.session.commit()
    assert _recovery(location.id, WINTER)[3] == 1
    _exact_everywhere(location.id)
    for alert in cases[1:3]:
        alert.resolve(by=manager, remedy=Remedy.APOLOGY)  # later than the first time
        alert.close(by=manager, outcome=Outcome.LOST)
    cases[3].acknowledge(by=manager)  # a reopened case can be taken up again
    db.session.commit()
    assert _recovery(location.id, WINTER)[3:] == (1, 2)
    _exact_everywhere(location.id)


def test_a_rebuild_writes_the_histograms_kept_on_write(shop):
    location, survey = shop
    manager = make_user("manager@example.com", Role.MANAGER, [location])
    cases = _winter_cases(location, survey)
    for n, alert in enumerate(cases):
        _handle(alert, acknowledge=ACKNOWLEDGE[n % len(ACKNOWLEDGE)], resolve=RESOLVE[n % 8])
    cases[0].close(by=manager, outcome=Outcome.NEUTRAL)
    cases[1].reopen(by=manager)
    db.session.commit()
    kept = _histograms()
    assert kept
    rebuild_rollups()
    db.session.commit()
    assert _histograms() == kept
    _exact_everywhere(location.id)


@pytest.fixture
def blank_app(tmp_path, worker_id):
    """The app on an empty database that no migration has touched yet."""
    if TEST_DATABASE_URL:
        uri = _postgres_url_for_worker(f"{worker_id}_histograms")
    else:
        uri = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": "t"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_migration_fills_the_histograms_of_stored_cases(blank_app):
    upgrade()
    survey = create_quick_faces_survey()
    location = make_shop("Yerevan", "Asia/Yerevan")
    for n, alert in enumerate(_winter_cases(location, survey)):
        _handle(alert, acknowledge=ACKNOWLEDGE[n % 11], resolve=RESOLVE[n % 8] if n % 2 else None)
    db.session.commit()
    kept, location_id = _histograms(), location.id
    db.session.remove()
    downgrade(revision="0019_case_work")  # just before the histograms came
    upgrade()
    assert _histograms() == kept
    _exact_everywhere(location_id)
