"""A location's staff list: names are tidy and unique among the active ones."""

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, Location, Staff, User
from surveys.people.audit import Actor
from surveys.places.staff import add_staff, rename_staff, set_staff_active, staff_of


@pytest.fixture
def manager(app_context, shops) -> Actor:
    return Actor(db.session.get(User, shops.manager_a), "192.0.2.2")


def test_people_are_added_renamed_and_deactivated(manager, shops):
    location = db.session.get(Location, shops.a)
    member = add_staff(location, "  Leyla   M. ", manager)
    assert member.name == "Leyla M."
    rename_staff(member, "Leyla", manager)
    set_staff_active(member, False, manager)
    names = [(m.name, m.active) for m in db.session.scalars(staff_of(location))]
    assert names == [("Arben", True), ("Leyla", False)]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
    assert list(actions) == ["staff.created", "staff.renamed", "staff.deactivated"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "arben"])
def test_an_empty_long_or_duplicate_name_is_refused(manager, shops, name):
    with pytest.raises(SubmissionInvalid) as refused:
        add_staff(db.session.get(Location, shops.a), name, manager)
    assert "name" in refused.value.errors


def test_the_same_name_may_be_used_at_another_location(manager, shops):
    add_staff(db.session.get(Location, shops.a), "Anahit", manager)  # Shop B has one too


def test_a_deactivated_name_is_free_again_but_cannot_return_twice(manager, shops):
    arben = db.session.get(Staff, shops.staff_member_a)
    set_staff_active(arben, False, manager)
    add_staff(db.session.get(Location, shops.a), "Arben", manager)
    with pytest.raises(SubmissionInvalid):
        set_staff_active(arben, True, manager)
