"""Local days and hours: each location's own time zone, half-hour offsets and the two
daylight-saving days of the year."""

from datetime import date, datetime

import pytest

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.reporting.metrics import Period, dashboard, rebuild_rollups
from tests.metrics_factories import make_shop, respond

MONDAY, TUESDAY, WEDNESDAY, SATURDAY, SUNDAY = 0, 1, 2, 5, 6


@pytest.fixture
def faces(app_context):
    survey = create_quick_faces_survey()
    db.session.commit()
    return survey


def day(value: str) -> Period:
    return Period(date.fromisoformat(value), date.fromisoformat(value))


def numbers(location_ids, period):
    rebuild_rollups()
    return dashboard(location_ids, period, "en")


def busy_cells(result):
    return {(c.weekday, c.hour): c.responses for c in result.heat_map if c.responses}


def test_half_past_eleven_local_in_yerevan_is_that_local_day_and_hour(faces):
    yerevan = make_shop("Yerevan", "Asia/Yerevan")  # UTC+4, no daylight saving
    respond(yerevan, faces, datetime(2026, 3, 10, 19, 30), 5)  # 23:30 on Tuesday 10th
    respond(yerevan, faces, datetime(2026, 3, 10, 20, 30), 1)  # 00:30 on Wednesday 11th
    tuesday = numbers([yerevan.id], day("2026-03-10"))
    assert tuesday.summary.responses == 1 and tuesday.summary.csat == 1.0
    assert busy_cells(tuesday) == {(TUESDAY, 23): 1}
    wednesday = numbers([yerevan.id], day("2026-03-11"))
    assert busy_cells(wednesday) == {(WEDNESDAY, 0): 1}


def test_kolkata_half_hour_offset(faces):
    kolkata = make_shop("Kolkata", "Asia/Kolkata")  # UTC+5:30
    respond(kolkata, faces, datetime(2026, 3, 10, 18, 29), 5)  # 23:59 on the 10th
    respond(kolkata, faces, datetime(2026, 3, 10, 18, 30), 4)  # 00:00 on the 11th
    respond(kolkata, faces, datetime(2026, 3, 9, 18, 30), 3)  # 00:00 on the 10th
    result = numbers([kolkata.id], day("2026-03-10"))
    assert result.summary.responses == 2
    assert busy_cells(result) == {(TUESDAY, 0): 1, (TUESDAY, 23): 1}


def test_several_locations_each_read_their_own_day(faces):
    yerevan = make_shop("Yerevan", "Asia/Yerevan")
    utc = make_shop("London-ish", "UTC")
    # 23:30 local in both: the same local hour, four hours apart in UTC.
    respond(yerevan, faces, datetime(2026, 3, 10, 19, 30), 5)
    respond(utc, faces, datetime(2026, 3, 10, 23, 30), 2)
    result = numbers([yerevan.id, utc.id], day("2026-03-10"))
    assert result.summary.responses == 2
    assert busy_cells(result) == {(TUESDAY, 23): 2}
    assert [(row.label, row.responses) for row in result.by_location] == [
        ("London-ish", 1),
        ("Yerevan", 1),
    ]


def test_spring_forward_day_in_tirane_has_23_hours(faces):
    tirane = make_shop("Tirana", "Europe/Tirane")  # 29 March 2026: 02:00 CET -> 03:00 CEST
    respond(tirane, faces, datetime(2026, 3, 28, 22, 59), 5)  # 23:59 Saturday, CET
    respond(tirane, faces, datetime(2026, 3, 28, 23, 0), 5)  # 00:00 Sunday
    respond(tirane, faces, datetime(2026, 3, 29, 0, 59), 5)  # 01:59 CET
    respond(tirane, faces, datetime(2026, 3, 29, 1, 0), 5)  # 03:00 CEST
    respond(tirane, faces, datetime(2026, 3, 29, 21, 59), 5)  # 23:59 CEST
    respond(tirane, faces, datetime(2026, 3, 29, 22, 0), 5)  # 00:00 Monday
    result = numbers([tirane.id], day("2026-03-29"))
    assert result.summary.responses == 4
    assert busy_cells(result) == {(SUNDAY, 0): 1, (SUNDAY, 1): 1, (SUNDAY, 3): 1, (SUNDAY, 23): 1}
    assert busy_cells(numbers([tirane.id], day("2026-03-28"))) == {(SATURDAY, 23): 1}
    assert busy_cells(numbers([tirane.id], day("2026-03-30"))) == {(MONDAY, 0): 1}


def test_fall_back_day_in_tirane_has_25_hours(faces):
    tirane = make_shop("Tirana", "Europe/Tirane")  # 25 October 2026: 03:00 CEST -> 02:00 CET
    respond(tirane, faces, datetime(2026, 10, 24, 21, 59), 5)  # 23:59 Saturday, CEST
    respond(tirane, faces, datetime(2026, 10, 24, 22, 0), 5)  # 00:00 Sunday
    respond(tirane, faces, datetime(2026, 10, 25, 0, 30), 5)  # 02:30 CEST
    respond(tirane, faces, datetime(2026, 10, 25, 1, 30), 1)  # 02:30 CET, the second time
    respond(tirane, faces, datetime(2026, 10, 25, 22, 59), 5)  # 23:59 CET
    respond(tirane, faces, datetime(2026, 10, 25, 23, 0), 5)  # 00:00 Monday
    result = numbers([tirane.id], day("2026-10-25"))
    assert result.summary.responses == 4
    assert busy_cells(result) == {(SUNDAY, 0): 1, (SUNDAY, 2): 2, (SUNDAY, 23): 1}
    two_am = next(c for c in result.heat_map if (c.weekday, c.hour) == (SUNDAY, 2))
    assert two_am.csat == 0.5


def test_heat_map_has_every_cell_monday_midnight_first(faces):
    shop = make_shop("Shop", "Asia/Yerevan")
    result = numbers([shop.id], day("2026-03-10"))
    assert [(c.weekday, c.hour) for c in result.heat_map[:2]] == [(0, 0), (0, 1)]
    assert (result.heat_map[-1].weekday, result.heat_map[-1].hour) == (6, 23)
    assert len({(c.weekday, c.hour) for c in result.heat_map}) == 168
