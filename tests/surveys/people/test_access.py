"""Who may see what: owners every location, managers and staff only their own."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import Staff, User
from surveys.people.access import (
    can_act_on_location,
    can_manage_locations_setup,
    can_see_location,
    is_owner,
    restrict_to_visible,
    visible_locations,
)


def names(locations) -> list[str]:
    return [location.name for location in locations]


def test_owners_see_every_location_and_managers_only_theirs(app_context, shops):
    owner, manager_b = db.session.get(User, shops.owner), db.session.get(User, shops.manager_b)
    assert names(visible_locations(owner)) == ["Shop A", "Shop B"]
    assert names(visible_locations(manager_b)) == ["Shop B"]
    assert can_see_location(manager_b, shops.b) and not can_see_location(manager_b, shops.a)


def test_staff_read_their_location_but_act_on_nothing(app_context, shops):
    staff = db.session.get(User, shops.staff_a)
    assert can_see_location(staff, shops.a) and not can_act_on_location(staff, shops.a)
    assert not can_manage_locations_setup(staff) and not is_owner(staff)


def test_restricting_a_query_leaves_other_locations_rows_out(app_context, shops):
    manager_a = db.session.get(User, shops.manager_a)
    statement = restrict_to_visible(select(Staff), manager_a, Staff.location_id)
    assert [member.id for member in db.session.scalars(statement)] == [shops.staff_member_a]
