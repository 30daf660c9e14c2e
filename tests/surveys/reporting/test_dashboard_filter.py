"""The dashboard's filter: whose locations a user's numbers cover, and which day is today."""

from datetime import UTC, date, datetime

import pytest

from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import Location, User
from surveys.reporting.dashboard_filter import DashboardFilter, parse_dashboard_filter


def user(shops, who: str) -> User:
    """One of the `shops` accounts."""
    return db.session.get(User, getattr(shops, who))


def test_an_owner_covers_every_location_or_the_one_chosen(app_context, shops):
    owner = user(shops, "owner")
    assert parse_dashboard_filter(owner, {}).location_ids == [shops.a, shops.b]
    assert parse_dashboard_filter(owner, {"location": str(shops.b)}).location_ids == [shops.b]


def test_a_manager_covers_only_their_own_location(app_context, shops):
    manager = user(shops, "manager_a")
    chosen = parse_dashboard_filter(manager, {"period": "30d"})
    assert chosen.location_ids == [shops.a] and chosen.period == "30d"
    with pytest.raises(NotVisible):
        parse_dashboard_filter(manager, {"location": str(shops.b)})


@pytest.mark.parametrize(
    "args", [{"location": "B"}, {"rating": "11"}, {"rating": "-1"}, {"rating": "good"}]
)
def test_nonsense_is_refused(app_context, shops, args):
    with pytest.raises(SubmissionInvalid):
        parse_dashboard_filter(user(shops, "owner"), args)


def test_a_location_that_does_not_exist_is_not_visible(app_context, shops):
    with pytest.raises(NotVisible):
        parse_dashboard_filter(user(shops, "owner"), {"location": "999"})


def test_today_is_the_latest_local_date_of_the_chosen_locations(app_context, shops):
    tirane, yerevan = db.session.get(Location, shops.a), db.session.get(Location, shops.b)
    # 22:30 UTC on 10 March: 23:30 in Tirane, already 02:30 on the 11th in Yerevan.
    late = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    both = DashboardFilter(locations=(tirane, yerevan))
    assert both.today(late) == date(2026, 3, 11)
    assert DashboardFilter(locations=(tirane, yerevan), location_id=tirane.id).today(late) == (
        date(2026, 3, 10)
    )
