"""The inbox queries without HTTP: visibility, filters, the feed cursor, follow-ups due."""

from datetime import UTC, timedelta

import pytest

from surveys.cases.actions import act_on_case
from surveys.cases.inbox import (
    FeedCursor,
    InboxFilter,
    feed_cursor,
    follow_ups_due,
    fresh_alerts,
    inbox_alerts,
    new_alert_count,
    parse_filter,
)
from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import AlertStatus, utcnow
from tests.case_factories import make_alert

EVERYTHING = InboxFilter()


def test_newest_first_and_only_the_users_locations(people):
    first = make_alert(people.shop)
    elsewhere = make_alert(people.other_shop)
    latest = make_alert(people.shop)
    assert inbox_alerts(people.manager, EVERYTHING) == [latest, first]
    assert inbox_alerts(people.staff, EVERYTHING) == [latest, first]
    assert inbox_alerts(people.other_manager, EVERYTHING) == [elsewhere]
    assert inbox_alerts(people.owner, EVERYTHING) == [latest, elsewhere, first]


def test_filters_by_location_and_status(people):
    new_here = make_alert(people.shop)
    taken_here = make_alert(people.shop)
    there = make_alert(people.other_shop)
    act_on_case(taken_here, people.manager, "acknowledge", {}, None)
    here = InboxFilter(location_id=people.shop.id)
    assert inbox_alerts(people.owner, here) == [taken_here, new_here]
    assert inbox_alerts(people.owner, InboxFilter(people.other_shop.id)) == [there]
    new_only = InboxFilter(status=AlertStatus.NEW)
    assert inbox_alerts(people.owner, new_only) == [there, new_here]
    assert new_alert_count(people.owner, EVERYTHING) == 2
    assert new_alert_count(people.manager, EVERYTHING) == 1


def test_a_filter_from_the_url_is_checked(people):
    assert parse_filter(people.owner, {"location": str(people.other_shop.id), "status": "new"}) == (
        InboxFilter(people.other_shop.id, AlertStatus.NEW)
    )
    assert parse_filter(people.manager, {}) == EVERYTHING
    with pytest.raises(NotVisible):
        parse_filter(people.manager, {"location": str(people.other_shop.id)})
    for bad in ({"location": "x"}, {"status": "lost"}):
        with pytest.raises(SubmissionInvalid):
            parse_filter(people.owner, bad)


def test_the_cursor_moves_on_a_new_alert_a_case_action_and_a_follow_up_falling_due(people):
    start = feed_cursor(people.manager, EVERYTHING)
    alert = make_alert(people.shop)
    after_alert = feed_cursor(people.manager, EVERYTHING)
    assert after_alert.alert_id == alert.id and after_alert != start
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    after_action = feed_cursor(people.manager, EVERYTHING)
    assert after_action.event_id > after_alert.event_id
    act_on_case(alert, people.manager, "resolve", {"remedy": "apology"}, None)
    act_on_case(
        alert, people.manager, "schedule_follow_up", {"follow_up_at": "2099-01-01T09:00"}, None
    )
    assert feed_cursor(people.manager, EVERYTHING).due_mark == 0
    alert.follow_up_at = utcnow() - timedelta(minutes=1)  # the time has come
    due = feed_cursor(people.manager, EVERYTHING).due_mark
    assert due == int((alert.follow_up_at.replace(tzinfo=UTC)).timestamp())
    assert follow_ups_due(people.manager, EVERYTHING) == [alert]
    assert follow_ups_due(people.other_manager, EVERYTHING) == []


def test_other_locations_do_not_move_a_managers_cursor(people):
    before = feed_cursor(people.manager, EVERYTHING)
    act_on_case(make_alert(people.other_shop), people.owner, "acknowledge", {}, None)
    db.session.flush()
    assert feed_cursor(people.manager, EVERYTHING) == before


def test_fresh_alerts_ignore_the_status_filter_so_every_new_one_is_announced(people):
    seen = make_alert(people.shop)
    fresh = make_alert(people.shop)
    only_closed = InboxFilter(status=AlertStatus.CLOSED)
    assert fresh_alerts(people.manager, only_closed, seen.id) == [fresh]


@pytest.mark.parametrize(
    "token", [None, "", "1.2", "a.b.c", "1.2.3.4", "-1.2.3", "9" * 30 + ".1.1"]
)
def test_a_malformed_cursor_is_refused(token):
    assert FeedCursor.parse(token) is None


def test_a_cursor_survives_the_url():
    assert FeedCursor.parse(FeedCursor(12, 40, 3).token()) == FeedCursor(12, 40, 3)
