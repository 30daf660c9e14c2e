"""Dashboard numbers on hand-built data: summary, rows by location, staff and topic,
previous period, empty periods and a location with no responses."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from surveys.authoring.templates import create_from_template, create_quick_faces_survey
from surveys.db import db
from surveys.models import FollowUp, Location, Survey
from surveys.reporting.metrics import Period, dashboard, rebuild_rollups
from tests.metrics_factories import make_shop, respond

MARCH_10 = Period(date(2026, 3, 10), date(2026, 3, 10))


@dataclass
class World:
    faces: Survey
    nps: Survey
    shop: Location  # UTC, staff Arben and Besa
    quiet: Location  # never answered


@pytest.fixture
def world(app_context) -> World:
    """A faces survey, an NPS survey, a shop with two staff and a shop nobody answered."""
    world = World(
        faces=create_quick_faces_survey(),
        nps=create_from_template("nps"),
        shop=make_shop("Bazaar", "UTC", ("Arben", "Besa")),
        quiet=make_shop("Annex", "UTC"),
    )
    db.session.commit()
    return world


def numbers(location_ids, period=MARCH_10, language="en"):
    """The dashboard, after the rollups are brought up to date with hand-built rows."""
    rebuild_rollups()
    return dashboard(location_ids, period, language)


def test_summary_counts_ratings_csat_and_negative_share(world):
    for hour, rating in enumerate([5, 4, 4, 2, 1], start=8):
        respond(world.shop, world.faces, datetime(2026, 3, 10, hour), rating)
    result = numbers([world.shop.id])
    assert result.summary.responses == 5
    assert result.summary.average_rating == pytest.approx(16 / 5)
    assert result.summary.csat == pytest.approx(3 / 5)
    assert result.summary.negative_share == pytest.approx(2 / 5)
    assert result.summary.nps is None  # no NPS question answered


def test_nps_counts_promoters_minus_detractors(world):
    for minute, score in enumerate([10, 9, 9, 8, 7, 6, 0, 10]):
        respond(world.shop, world.nps, datetime(2026, 3, 10, 12, minute), score, alert=False)
    summary = numbers([world.shop.id]).summary
    assert summary.nps == pytest.approx((4 - 2) / 8 * 100)
    # NPS ratings are not on the 1–5 scale: no average or CSAT from them.
    assert summary.average_rating is None and summary.csat is None
    assert summary.responses == 8


def test_suspected_misuse_is_left_out(world):
    respond(world.shop, world.faces, datetime(2026, 3, 10, 9), 5)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 9, 0, 2), 1, misuse=True)
    summary = numbers([world.shop.id]).summary
    assert (summary.responses, summary.csat, summary.negative_share) == (1, 1.0, 0.0)


def test_empty_period_gives_none_not_zero(world):
    respond(world.shop, world.faces, datetime(2026, 3, 9, 12), 5)
    result = numbers([world.shop.id, world.quiet.id])
    assert result.summary.responses == 0
    assert result.summary.average_rating is None
    assert result.summary.csat is None
    assert result.summary.nps is None
    assert result.summary.negative_share is None
    assert result.recovery.alerts == 0 and result.recovery.recovery_rate is None
    assert result.recovery.median_acknowledge_seconds is None
    assert len(result.heat_map) == 168 and all(cell.csat is None for cell in result.heat_map)
    assert result.by_staff == [] and result.by_topic == []


def test_a_location_with_no_responses_still_has_its_row(world):
    respond(world.shop, world.faces, datetime(2026, 3, 10, 12), 4)
    rows = numbers([world.shop.id, world.quiet.id]).by_location
    assert [(row.label, row.responses, row.csat) for row in rows] == [
        ("Annex", 0, None),
        ("Bazaar", 1, 1.0),
    ]
    assert rows[0].average_rating is None and rows[0].negative_share is None


def test_only_the_locations_asked_for_are_counted(world):
    respond(world.shop, world.faces, datetime(2026, 3, 10, 12), 1)
    respond(world.quiet, world.faces, datetime(2026, 3, 10, 12), 5)
    result = numbers([world.quiet.id])
    assert result.summary.responses == 1 and result.summary.csat == 1.0
    assert [row.key for row in result.by_location] == [world.quiet.id]
    assert result.recovery.alerts == 0


def test_staff_rows_count_praise(world):
    arben, besa = world.shop.staff
    respond(world.shop, world.faces, datetime(2026, 3, 10, 9), 5, staff=arben, praised=True)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 10), 5, staff=arben, praised=True)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 11), 2, staff=besa)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 12), 3)
    rows = numbers([world.shop.id]).by_staff
    assert [(r.label, r.responses, r.praise, r.csat, r.negative_share) for r in rows] == [
        ("Arben", 2, 2, 1.0, 0.0),
        ("Besa", 1, 0, 0.0, 1.0),
    ]
    assert rows[0].key == arben.id and rows[0].average_rating == 5


def test_topics_are_labelled_in_the_readers_language(world):
    respond(world.shop, world.faces, datetime(2026, 3, 10, 9), 1, topics=("waiting", "price"))
    respond(world.shop, world.faces, datetime(2026, 3, 10, 10), 2, topics=("waiting",))
    respond(world.shop, world.faces, datetime(2026, 3, 10, 11), 3, topics=("price",))
    respond(world.shop, world.faces, datetime(2026, 3, 10, 12), 3, topics=("waiting",))
    english = numbers([world.shop.id]).by_topic
    assert [(r.key, r.label, r.responses) for r in english] == [
        ("waiting", "Waiting time", 3),
        ("price", "Price", 2),
    ]
    assert english[0].average_rating == pytest.approx(2)
    assert english[1].negative_share == 1.0  # a complaint topic makes a response negative
    albanian = dashboard([world.shop.id], MARCH_10, "sq").by_topic
    assert [(r.key, r.label) for r in albanian] == [
        ("waiting", "Koha e pritjes"),
        ("price", "Çmimi"),
    ]


def test_previous_period_is_compared(world):
    respond(world.shop, world.faces, datetime(2026, 3, 9, 12), 1)
    respond(world.shop, world.faces, datetime(2026, 3, 9, 13), 5)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 12), 5)
    result = numbers([world.shop.id])
    assert (result.summary.responses, result.summary.csat) == (1, 1.0)
    assert (result.previous.responses, result.previous.csat) == (2, 0.5)
    assert result.previous_recovery.alerts == 1 and result.recovery.alerts == 0


def test_silent_complainers_are_negative_taps_never_followed_up(world):
    respond(world.shop, world.faces, datetime(2026, 3, 10, 9), 1, follow_up=FollowUp.OFFERED)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 10), 2, follow_up=FollowUp.GIVEN)
    respond(world.shop, world.faces, datetime(2026, 3, 10, 11), 5, follow_up=FollowUp.OFFERED)
    assert numbers([world.shop.id]).recovery.silent_complainers == 1
