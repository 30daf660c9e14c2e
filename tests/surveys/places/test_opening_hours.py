"""Opening hours: reading them, and open or closed at a moment in the location's time zone."""

from datetime import datetime

import pytest

from surveys.errors import SubmissionInvalid
from surveys.models import Location
from surveys.places.opening_hours import (
    is_open,
    opened_at,
    parse_opening_hours,
    validate_opening_hours,
)


def shop(hours: list[str], timezone: str = "Asia/Yerevan") -> Location:
    """A location (not stored) with opening hours."""
    return Location(name="Shop", timezone=timezone, opening_hours=parse_opening_hours(hours))


def test_day_ranges_and_split_days_are_read(app):
    with app.app_context():
        hours = parse_opening_hours(["mon-fri 09:00-18:00", "sat 10:00-13:00,14:00-17:00"])
    assert hours["mon"] == hours["fri"] == [["09:00", "18:00"]]
    assert hours["sat"] == [["10:00", "13:00"], ["14:00", "17:00"]]
    assert "sun" not in hours


@pytest.mark.parametrize(
    "spec", ["monday 09:00-18:00", "mon 9-18", "mon 09:00-25:00", "xyz-fri 09:00-10:00", ""]
)
def test_unreadable_hours_are_refused(app, spec):
    with app.app_context(), pytest.raises(SubmissionInvalid):
        parse_opening_hours([spec])


@pytest.mark.parametrize("hours", [[], {"funday": []}, {"mon": "09-18"}, {"mon": [["9", "x"]]}])
def test_malformed_stored_hours_are_refused(app, hours):
    with app.app_context(), pytest.raises(SubmissionInvalid):
        validate_opening_hours(hours)


def test_open_is_read_in_the_locations_time_zone(app):
    with app.app_context():
        yerevan = shop(["mon 09:00-18:00"])  # UTC+4
    monday = datetime(2026, 11, 23)  # a Monday
    assert not is_open(yerevan, monday.replace(hour=4, minute=59))  # 08:59 in Yerevan
    assert is_open(yerevan, monday.replace(hour=5, minute=0))
    assert opened_at(yerevan, monday.replace(hour=13)) == monday.replace(hour=5)
    assert not is_open(yerevan, monday.replace(hour=14))  # 18:00 in Yerevan


def test_an_evening_interval_runs_past_midnight(app):
    with app.app_context():
        bar = shop(["fri 22:00-02:00"], timezone="UTC")
    assert opened_at(bar, datetime(2026, 11, 28, 1, 30)) == datetime(2026, 11, 27, 22, 0)
    assert not is_open(bar, datetime(2026, 11, 28, 2, 0))


def test_summer_time_moves_the_hours_in_utc(app):
    with app.app_context():
        tirane = shop(["sun 09:00-17:00"], timezone="Europe/Tirane")
    assert opened_at(tirane, datetime(2026, 3, 22, 12)) == datetime(2026, 3, 22, 8)  # CET
    assert opened_at(tirane, datetime(2026, 3, 29, 12)) == datetime(2026, 3, 29, 7)  # CEST


def test_a_location_without_hours_is_never_open(app):
    assert not is_open(Location(name="x", timezone="UTC", opening_hours={}), datetime(2026, 1, 1))
