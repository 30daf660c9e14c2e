"""The kiosk's promise: someone who can come has the inbox open, or a manager is on duty."""

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from surveys.cases.presence import (
    PRESENCE_TTL,
    manager_is_watching,
    record_presence,
    watched_location_ids,
)
from surveys.db import db
from surveys.models import InboxPresence, Location, utcnow
from tests.case_factories import reachable_by_push


def reported_seconds_ago(seconds: float) -> None:
    """Pretend every inbox last reported this long ago."""
    db.session.execute(update(InboxPresence).values(seen_at=utcnow() - timedelta(seconds=seconds)))


def test_nobody_watching_and_nobody_on_duty_promises_nothing(people):
    assert not manager_is_watching(people.shop)


def test_a_manager_on_duty_with_push_on_is_promised_without_any_inbox(people):
    people.shop.manager_on_duty = True
    assert not manager_is_watching(people.shop), "on duty, but nobody's phone would be told"
    manager = reachable_by_push(people.shop)
    assert manager_is_watching(people.shop)
    manager.notify_push = False
    assert not manager_is_watching(people.shop)
    manager.notify_push = True
    now = utcnow()
    manager.quiet_start = (now - timedelta(hours=1)).strftime("%H:%M")
    manager.quiet_end = (now + timedelta(hours=1)).strftime("%H:%M")
    manager.timezone = "UTC"
    assert not manager_is_watching(people.shop), "quiet hours: the push is skipped"
    manager.quiet_start = manager.quiet_end = None
    people.shop.manager_on_duty = False
    assert not manager_is_watching(people.shop)


def test_an_open_inbox_of_the_locations_manager_or_an_owner_counts(people):
    for user in (people.manager, people.owner):
        record_presence(user, [people.shop.id])
        assert manager_is_watching(people.shop)
        db.session.execute(delete(InboxPresence))


def test_presence_lapses_when_the_inbox_stops_reporting(people):
    record_presence(people.manager, [people.shop.id])
    reported_seconds_ago(PRESENCE_TTL.total_seconds() - 2)
    assert manager_is_watching(people.shop)
    reported_seconds_ago(PRESENCE_TTL.total_seconds() + 1)
    assert not manager_is_watching(people.shop)


def test_staff_and_other_locations_managers_promise_nothing(people):
    record_presence(people.staff, [people.shop.id])
    record_presence(people.other_manager, [people.shop.id])  # e.g. unassigned since
    assert not manager_is_watching(people.shop)


def test_a_deactivated_manager_promises_nothing(people):
    record_presence(people.manager, [people.shop.id])
    people.manager.active = False
    assert not manager_is_watching(people.shop)


def test_presence_is_one_row_per_user_and_location_refreshed_in_place(people):
    record_presence(people.owner, watched_location_ids(people.owner))
    reported_seconds_ago(60)
    record_presence(people.owner, watched_location_ids(people.owner))
    every_location = db.session.scalar(select(func.count()).select_from(Location))
    assert db.session.scalar(select(func.count()).select_from(InboxPresence)) == every_location
    assert manager_is_watching(people.shop) and manager_is_watching(people.other_shop)


def test_an_inbox_covers_its_filter_or_every_visible_location(people):
    assert watched_location_ids(people.manager) == [people.shop.id]
    every_location = db.session.scalars(select(Location.id)).all()
    assert sorted(watched_location_ids(people.owner)) == sorted(every_location)
    assert watched_location_ids(people.owner, people.other_shop.id) == [people.other_shop.id]
