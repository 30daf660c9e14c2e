"""Managing tablets from the admin: adding, new pairing links, revoking, their status."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, Device, Location, User, utcnow
from surveys.people.audit import Actor
from surveys.places.devices import (
    add_device,
    device_for_pairing_code,
    devices_of,
    pair_device,
    renew_pairing_code,
    revoke,
)


@pytest.fixture
def manager(app_context, shops) -> Actor:
    return Actor(db.session.get(User, shops.manager_a), "192.0.2.3")


def test_a_new_tablet_waits_for_pairing_with_a_working_code(manager, shops):
    device, code = add_device(db.session.get(Location, shops.a), " Till 2 ", manager)
    assert device.name == "Till 2" and device.status == "waiting"
    assert device_for_pairing_code(code) is device
    pair_device(device)
    assert device.status == "paired"


@pytest.mark.parametrize("name", ["", "  ", "t" * 81])
def test_a_tablet_needs_a_name(manager, shops, name):
    with pytest.raises(SubmissionInvalid):
        add_device(db.session.get(Location, shops.a), name, manager)


def test_a_new_pairing_link_replaces_the_old_one(manager, shops):
    device, old = add_device(db.session.get(Location, shops.a), "Till 2", manager)
    new = renew_pairing_code(device, manager)
    assert device_for_pairing_code(old) is None and device_for_pairing_code(new) is device


def test_an_unused_link_expires(manager, shops):
    device = db.session.get(Device, shops.device_a)
    renew_pairing_code(device, manager)
    device.pairing_expires_at = utcnow() - timedelta(seconds=1)
    assert device.status == "expired"


def test_a_revoked_tablet_gets_no_new_link_and_is_listed_last(manager, shops):
    device = db.session.get(Device, shops.device_a)
    add_device(db.session.get(Location, shops.a), "Till 2", manager)
    revoke(device, manager)
    revoke(device, manager)  # twice changes nothing
    assert device.status == "revoked"
    with pytest.raises(SubmissionInvalid):
        renew_pairing_code(device, manager)
    listed = [d.name for d in db.session.scalars(devices_of(db.session.get(Location, shops.a)))]
    assert listed == ["Till 2", "Till A"]
    revocations = select(AuditEvent).where(AuditEvent.action == "device.revoked")
    assert [e.details for e in db.session.scalars(revocations)] == [{"device_id": device.id}]
