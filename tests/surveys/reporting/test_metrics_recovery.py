"""Service recovery numbers: alerts raised for the period's responses, how fast they were
taken up and made right, and how many upset customers were won back."""

from datetime import date, datetime, timedelta

import pytest

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.models import Alert, AlertStatus, Device, Outcome
from surveys.reporting.metrics import Period, dashboard, rebuild_rollups
from tests.metrics_factories import make_shop, respond

MARCH_10 = Period(date(2026, 3, 10), date(2026, 3, 10))


def handled(response, acknowledge=None, resolve=None, outcome=None, status=None):
    """Take the response's case as far as given, minutes after it was raised."""
    alert = response.alert
    if acknowledge is not None:
        alert.acknowledged_at = alert.created_at + timedelta(seconds=acknowledge)
        alert.status = AlertStatus.ACKNOWLEDGED
    if resolve is not None:
        alert.resolved_at = alert.created_at + timedelta(seconds=resolve)
        alert.status = AlertStatus.RESOLVED
    if outcome is not None:
        alert.outcome, alert.status = outcome, AlertStatus.CLOSED
    alert.status = status or alert.status
    db.session.flush()


@pytest.fixture
def shop(app_context):
    survey = create_quick_faces_survey()
    shop = make_shop("Tirana", "Europe/Tirane")
    db.session.commit()
    return shop, survey


def recovery_of(location_id):
    rebuild_rollups()
    return dashboard([location_id], MARCH_10, "en")


def test_recovery_counts_outcomes_and_medians(shop):
    location, survey = shop
    at = datetime(2026, 3, 10, 9)
    cases = [respond(location, survey, at + timedelta(hours=h), 1) for h in range(5)]
    handled(cases[0], acknowledge=60, resolve=300, outcome=Outcome.WON_BACK)
    handled(cases[1], acknowledge=120, resolve=900, outcome=Outcome.WON_BACK)
    handled(cases[2], acknowledge=600, resolve=1200, outcome=Outcome.LOST)
    handled(cases[3], acknowledge=30, resolve=60, status=AlertStatus.REOPENED)
    recovery = recovery_of(location.id).recovery
    assert recovery.alerts == 5
    assert recovery.median_acknowledge_seconds == pytest.approx(90)
    assert recovery.median_resolve_seconds == pytest.approx(600)
    assert (recovery.won_back, recovery.neutral, recovery.lost, recovery.closed) == (2, 0, 1, 3)
    assert recovery.recovery_rate == pytest.approx(2 / 3)
    assert recovery.silent_complainers == 0


def test_alerts_belong_to_the_day_their_response_was_captured(shop):
    location, survey = shop
    late = respond(location, survey, datetime(2026, 3, 9, 22, 50), 1)  # 23:50 on the 9th
    late.alert.created_at = datetime(2026, 3, 9, 23, 10)  # raised after local midnight
    handled(late, acknowledge=60, resolve=120, outcome=Outcome.NEUTRAL)
    result = recovery_of(location.id)
    assert result.recovery.alerts == 0
    assert result.previous_recovery.alerts == 1
    assert result.previous_recovery.neutral == 1
    assert result.previous_recovery.recovery_rate == 0.0


def test_device_alerts_are_not_service_recovery(shop):
    location, survey = shop
    device = Device(location=location, name="Till")
    db.session.add(Alert(location_id=location.id, device=device, reason="device_silent"))
    db.session.flush()
    respond(location, survey, datetime(2026, 3, 10, 9), 2)
    assert recovery_of(location.id).recovery.alerts == 1


def test_no_closed_case_means_no_recovery_rate(shop):
    location, survey = shop
    handled(respond(location, survey, datetime(2026, 3, 10, 9), 1), acknowledge=45)
    recovery = recovery_of(location.id).recovery
    assert recovery.closed == 0 and recovery.recovery_rate is None
    assert recovery.median_acknowledge_seconds == 45
    assert recovery.median_resolve_seconds is None
