"""Creating and editing locations: every setting is checked, nothing half-stored."""

import pytest
from sqlalchemy import func, select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, Location, User
from surveys.people.audit import Actor
from surveys.places.locations import LocationFields, add_location, update_location


@pytest.fixture
def owner(app_context, shops) -> Actor:
    return Actor(db.session.get(User, shops.owner), "192.0.2.1")


def test_a_location_is_created_with_every_setting(owner):
    fields = LocationFields(
        name="  Harbour kiosk ",
        timezone="Asia/Kolkata",
        languages=["hi", "en"],
        default_language="hi",
        response_interval_seconds="8",
        idle_timeout_seconds="45",
        thank_you_seconds="4",
    )
    location = add_location(fields, owner)
    assert (location.name, location.timezone, location.languages) == (
        "Harbour kiosk",
        "Asia/Kolkata",
        ["hi", "en"],
    )
    assert (location.response_interval_seconds, location.idle_timeout_seconds) == (8, 45)
    assert location.thank_you_seconds == 4 and not location.manager_on_duty
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "location.created"))
    assert event.location_id == location.id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"languages": []}, "languages"),
        ({"languages": ["en", "xx"]}, "languages"),
        ({"default_language": "hy"}, "default_language"),
        ({"response_interval_seconds": "-1"}, "response_interval_seconds"),
        ({"idle_timeout_seconds": "2"}, "idle_timeout_seconds"),
        ({"thank_you_seconds": "six"}, "thank_you_seconds"),
    ],
)
def test_an_invalid_setting_is_refused_and_the_location_unchanged(owner, shops, change, field):
    location = db.session.get(Location, shops.a)
    fields = LocationFields.of(location)
    for name, value in change.items():
        setattr(fields, name, value)
    with pytest.raises(SubmissionInvalid) as refused:
        update_location(location, fields, owner)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.get(Location, shops.a).name == "Shop A"


def test_an_edit_keeps_what_was_not_changed(owner, shops):
    location = db.session.get(Location, shops.a)
    fields = LocationFields.of(location)
    fields.name = "Shop A, upstairs"
    update_location(location, fields, owner)
    assert location.name == "Shop A, upstairs"
    assert location.languages == ["sq", "en"] and location.timezone == "Europe/Tirane"
    count = select(func.count()).select_from(AuditEvent).where(AuditEvent.location_id == shops.a)
    assert db.session.scalar(count) == 1
