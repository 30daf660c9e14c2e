"""Capture time: answers queued offline keep the time they were captured; broken clocks don't."""

import uuid
from datetime import timedelta

import pytest

from surveys.capture.responses import CLOCK_TOLERANCE_FUTURE, MAX_QUEUED_AGE, Tap, record_tap
from surveys.db import db
from surveys.models import utcnow
from surveys.places.devices import device_for_pairing_code, pair_device


@pytest.fixture
def device(app, demo):
    """The demo kiosk, paired 120 days ago."""
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        device.paired_at = utcnow() - timedelta(days=120)
        db.session.commit()
        yield device


def tap_at(demo, moment: str) -> Tap:
    return Tap(
        response_uuid=str(uuid.uuid4()),
        question_id=str(demo.question_ids["rating"]),
        rating="4",
        language="en",
        captured_at=moment,
    )


def captured(device, demo, ago: timedelta):
    """The capture time stored for a tap that says it was made `ago` before now."""
    response = record_tap(device, tap_at(demo, (utcnow() - ago).isoformat() + "Z"))
    return response.captured_at, response.received_at


@pytest.mark.parametrize("ago", [timedelta(minutes=5), timedelta(days=3), timedelta(days=45)])
def test_an_answer_queued_offline_keeps_its_capture_time(device, demo, ago):
    captured_at, received_at = captured(device, demo, ago)
    assert abs(received_at - captured_at - ago) < timedelta(seconds=5)


def test_a_time_zone_offset_is_understood(device, demo):
    yesterday = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    in_yerevan = (yesterday + timedelta(hours=4)).isoformat() + "+04:00"
    assert record_tap(device, tap_at(demo, in_yerevan)).captured_at == yesterday


@pytest.mark.parametrize(
    "ago",
    [
        -CLOCK_TOLERANCE_FUTURE - timedelta(minutes=1),  # in the future
        MAX_QUEUED_AGE + timedelta(days=1),  # older than any queue holds
        timedelta(days=121),  # before the tablet was paired
        timedelta(days=365 * 56),  # 1970: a clock that lost its battery
    ],
)
def test_a_broken_clock_gives_way_to_the_servers(device, demo, ago):
    captured_at, received_at = captured(device, demo, ago)
    assert captured_at == received_at or abs(captured_at - received_at) < timedelta(seconds=1)


def test_a_clock_slightly_ahead_is_believed(device, demo):
    captured_at, received_at = captured(device, demo, -timedelta(minutes=2))
    assert timedelta(minutes=1) < captured_at - received_at <= CLOCK_TOLERANCE_FUTURE


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_time_beyond_the_calendar_in_utc_gives_way_to_the_servers(device, demo, moment):
    response = record_tap(device, tap_at(demo, moment))  # found by tests/fuzz: was a 500
    assert abs(response.captured_at - response.received_at) < timedelta(seconds=1)
