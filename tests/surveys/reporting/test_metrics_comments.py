"""The latest comments: the customer's own words, newest first, by topic and rating."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.reporting.metrics import (
    Period,
    fast,
    latest_comments,
    naive_latest_comments,
    rebuild_rollups,
)
from tests.metrics_factories import make_shop, respond

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def shops(app_context):
    survey = create_quick_faces_survey()
    yerevan = make_shop("Yerevan", "Asia/Yerevan")
    tirana = make_shop("Tirana", "Europe/Tirane")
    respond(yerevan, survey, datetime(2026, 3, 10, 8), 1, topics=("waiting",), words="Slow.")
    respond(tirana, survey, datetime(2026, 3, 10, 9), 2, topics=("price",), words="Dear.")
    respond(yerevan, survey, datetime(2026, 3, 10, 10), 2, topics=("waiting", "price"))
    respond(yerevan, survey, datetime(2026, 3, 10, 11), 5)
    respond(tirana, survey, datetime(2026, 3, 10, 12), 1, words="Rude =cashier")
    respond(yerevan, survey, datetime(2026, 2, 28, 12), 1, words="Last month.")
    db.session.commit()
    rebuild_rollups()
    return yerevan, tirana


def test_newest_first_with_location_time_and_topics(shops):
    yerevan, tirana = shops
    comments = latest_comments([yerevan.id, tirana.id], MARCH, "en")
    assert [c.text for c in comments] == ["Rude =cashier", "Dear.", "Slow."]
    slow = comments[-1]
    assert slow.location_name == "Yerevan"
    assert slow.captured_at == datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("Asia/Yerevan"))
    assert slow.captured_at.utcoffset().total_seconds() == 4 * 3600
    assert slow.topics == ["Waiting time"] and slow.rating == 1
    assert slow.alert_id is not None


def test_filter_by_topic_and_rating(shops):
    yerevan, tirana = shops
    ids = [yerevan.id, tirana.id]
    assert [c.text for c in latest_comments(ids, MARCH, "en", topic="price")] == ["Dear."]
    assert [c.text for c in latest_comments(ids, MARCH, "en", rating=1)] == [
        "Rude =cashier",
        "Slow.",
    ]
    assert latest_comments(ids, MARCH, "en", topic="price", rating=1) == []
    assert len(latest_comments(ids, MARCH, "en", limit=1)) == 1


def test_topics_in_the_readers_language_and_scoped_locations(shops):
    yerevan, _tirana = shops
    comments = latest_comments([yerevan.id], MARCH, "sq")
    assert [(c.text, c.topics) for c in comments] == [("Slow.", ["Koha e pritjes"])]
    february = Period(date(2026, 2, 1), date(2026, 2, 28))
    assert [c.text for c in latest_comments([yerevan.id], february, "en")] == ["Last month."]


def test_newest_across_shops_read_in_several_statements(app_context, monkeypatch):
    monkeypatch.setattr(fast, "LOCATIONS_PER_STATEMENT", 2)  # three shops: two statements
    survey = create_quick_faces_survey()
    shops = [make_shop(f"Shop {n}", "UTC") for n in range(3)]
    for hour in range(8, 14):
        respond(shops[hour % 3], survey, datetime(2026, 3, 10, hour), 3, words=f"At {hour}.")
    respond(shops[0], survey, datetime(2026, 3, 10, 13), 3, words="Also at 13.")
    db.session.commit()
    rebuild_rollups()
    ids = [shop.id for shop in shops]
    newest = latest_comments(ids, MARCH, "en", limit=4)
    assert [c.text for c in newest] == ["Also at 13.", "At 13.", "At 12.", "At 11."]
    assert newest == naive_latest_comments(ids, MARCH, "en", limit=4)
