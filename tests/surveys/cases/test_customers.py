"""Remembering a consenting customer: earlier visits by the same e-mail or phone."""

from datetime import timedelta

from surveys.cases.customers import earlier_visits
from surveys.models import utcnow
from tests.case_factories import make_alert


def days_ago(days: int):
    return utcnow() - timedelta(days=days)


def test_the_same_email_in_any_case_finds_earlier_visits_newest_first(people):
    oldest = make_alert(people.shop, email="Ani@Example.com", captured_at=days_ago(30))
    older = make_alert(people.shop, email="ani@example.com", captured_at=days_ago(7))
    now = make_alert(people.shop, email="ani@example.COM")
    make_alert(people.shop, email="someone@example.com", captured_at=days_ago(3))
    assert earlier_visits(now.response, people.manager) == [older.response, oldest.response]


def test_the_same_phone_written_differently_is_the_same_customer(people):
    before = make_alert(people.shop, phone="+374 10-12 34 56", captured_at=days_ago(2))
    now = make_alert(people.shop, phone="+3741012(3456)")
    assert earlier_visits(now.response, people.manager) == [before.response]


def test_later_visits_and_customers_without_contact_have_no_history(people):
    now = make_alert(people.shop, email="ani@example.com", captured_at=days_ago(5))
    make_alert(people.shop, email="ani@example.com")  # after this one
    anonymous = make_alert(people.shop)
    assert earlier_visits(now.response, people.manager) == []
    assert earlier_visits(anonymous.response, people.manager) == []


def test_a_manager_never_sees_visits_at_another_location(people):
    there = make_alert(people.other_shop, email="ani@example.com", captured_at=days_ago(2))
    here = make_alert(people.shop, email="ani@example.com")
    assert earlier_visits(here.response, people.manager) == []
    assert earlier_visits(here.response, people.owner) == [there.response]
