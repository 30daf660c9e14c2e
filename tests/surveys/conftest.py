"""Domain-test fixtures: two shops with a user of every role, and the paired demo kiosk."""

from dataclasses import dataclass

import pytest

from surveys.db import db
from surveys.models import Location, Role, User
from surveys.places.devices import device_for_pairing_code, pair_device
from tests.case_factories import make_location, make_user


@dataclass
class People:
    shop: Location  # the demo shop
    other_shop: Location
    owner: User
    manager: User  # of the demo shop
    other_manager: User  # of the other shop only
    staff: User  # of the demo shop, read-only


@pytest.fixture
def people(app, demo) -> People:
    """Inside an app context: both shops and one user of each kind."""
    with app.app_context():
        shop = db.session.get(Location, demo.location_id)
        shop.manager_on_duty = False
        other_shop = make_location()
        people = People(
            shop=shop,
            other_shop=other_shop,
            owner=db.session.query(User).filter_by(email=demo.owner_email).one(),
            manager=make_user("manager@example.com", Role.MANAGER, [shop]),
            other_manager=make_user("other@example.com", Role.MANAGER, [other_shop]),
            staff=make_user("staff@example.com", Role.STAFF, [shop]),
        )
        db.session.commit()
        yield people


@pytest.fixture
def device(app, demo):
    """The demo kiosk, paired, inside an app context."""
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        db.session.commit()
        yield device
