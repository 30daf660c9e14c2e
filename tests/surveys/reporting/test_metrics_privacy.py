"""Privacy and the dashboard: once a customer is erased (or their contact purged), the
latest comments, the CSV export and the API no longer show their words, every count
stays, and the rollups still equal a naive recomputation from the raw rows."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import Location, MetricComment, Remedy, utcnow
from surveys.people.audit import Actor
from surveys.places.locations import LocationFields, update_location
from surveys.privacy.erasure import Subject, erase_person
from surveys.privacy.retention import purge_expired_contacts
from surveys.reporting.api_reads import responses_page
from surveys.reporting.exports import ExportRequest, export_csv
from surveys.reporting.metrics import (
    Period,
    dashboard,
    latest_comments,
    naive_dashboard,
    naive_latest_comments,
    rebuild_rollups,
)
from surveys.reporting.metrics.rollups import count_response
from tests.case_factories import make_alert

ANI = "ani.words@example.com"
SECRET = "Ani at 12 Rose Street says the soup was cold"


def _period() -> Period:
    today = utcnow().date()
    return Period(today - timedelta(days=200), today + timedelta(days=1))


def _same_as_naive(location_ids: list[int]) -> None:
    """The dashboard and its comments from the rollups equal those from the raw rows."""
    period = _period()
    assert dashboard(location_ids, period, "en") == naive_dashboard(location_ids, period, "en")
    for filters in ({}, {"topic": "product"}, {"rating": 1}):
        fast = latest_comments(location_ids, period, "en", **filters)
        assert fast == naive_latest_comments(location_ids, period, "en", **filters), filters


def _stored(location: Location, **details):
    """A negative response with its case, counted in the rollups as capture counts it."""
    alert = make_alert(location, **details)
    count_response(alert.response)
    return alert


@pytest.fixture
def visits(people):
    """Ani's words at both shops, a visit 150 days ago, and Bob's words."""
    first = _stored(people.shop, words=SECRET, topics=("product",), email=ANI)
    second = _stored(people.other_shop, words="Queue again", phone="+374 10 123456")
    second.response.customer.email = ANI.upper()
    old = _stored(people.shop, words="Old but mine", email="carl@example.com")
    old.response.customer.consent_at = old.created_at = utcnow() - timedelta(days=150)
    _stored(people.shop, words="Fine words", email="bob@example.com")
    first.acknowledge(by=people.manager)
    first.resolve(by=people.manager, remedy=Remedy.APOLOGY)
    db.session.commit()
    return first, second


def _words(location_ids: list[int]) -> list[str]:
    return [comment.text for comment in latest_comments(location_ids, _period(), "en")]


def test_after_an_erase_the_dashboard_no_longer_shows_the_words(people, visits):
    ids = [people.shop.id, people.other_shop.id]
    _same_as_naive(ids)
    before = dashboard(ids, _period(), "en")
    assert SECRET in _words(ids) and "Queue again" in _words(ids)
    erase_person(Subject.parse(ANI, None))
    db.session.commit()
    assert sorted(_words(ids)) == ["Fine words", "Old but mine"]
    after = dashboard(ids, _period(), "en")
    assert after.summary == before.summary and after.by_topic == before.by_topic
    assert after.recovery == before.recovery
    _same_as_naive(ids)
    assert rebuild_rollups() and _words(ids) == [
        c.text for c in naive_latest_comments(ids, _period(), "en")
    ]


def test_after_an_erase_the_export_and_the_api_no_longer_show_the_words(people, visits):
    first, _second = visits
    erase_person(Subject.parse(None, "+374 10 123456"))
    erase_person(Subject.parse(ANI, None))
    db.session.commit()
    request = ExportRequest([people.shop, people.other_shop], _period())
    exported = b"".join(export_csv(request, "en")).decode("utf-8-sig")
    assert SECRET not in exported and "Queue again" not in exported
    assert "Fine words" in exported and exported.count("\n") >= 5  # header and 4 responses
    api_key, _secret = create_api_key(people.shop, "Till", scopes=("read",))
    db.session.flush()
    rows = responses_page(api_key, {})["data"]
    erased = next(row for row in rows if row["response_id"] == first.response_id)
    assert erased["customer_words"] == [] and erased["rating"] == 1
    assert erased["topics"] == ["Product"]


def test_the_erase_removes_the_comment_row_in_the_same_transaction(people, visits):
    first, _second = visits
    comment_row = select(MetricComment).where(MetricComment.response_id == first.response_id)
    assert db.session.scalars(comment_row).one_or_none() is not None
    erase_person(Subject.parse(ANI, None))
    assert db.session.scalars(comment_row).one_or_none() is None  # before any commit
    db.session.rollback()
    assert db.session.scalars(comment_row).one_or_none() is not None  # and undone with it


def test_the_retention_purge_leaves_the_dashboard_as_it_was(people, visits):
    ids = [people.shop.id, people.other_shop.id]
    before = dashboard(ids, _period(), "en")
    words = _words(ids)
    purged = purge_expired_contacts()
    db.session.commit()
    assert purged.customers == 1  # Carl's, 150 days old
    assert dashboard(ids, _period(), "en") == before and _words(ids) == words
    _same_as_naive(ids)


def test_a_new_time_zone_refiles_the_numbers(people, visits):
    shop = people.shop
    fields = replace(LocationFields.of(shop), timezone="Pacific/Kiritimati")  # UTC+14
    update_location(shop, fields, Actor(people.owner))
    db.session.commit()
    _same_as_naive([shop.id, people.other_shop.id])
    for day in (utcnow().date(), utcnow().date() + timedelta(days=1)):
        one_day = Period(day, day)
        assert dashboard([shop.id], one_day, "en") == naive_dashboard([shop.id], one_day, "en")
