"""Admin-test fixtures: both shops and a user of every role, by id and e-mail."""

from dataclasses import dataclass

import pytest

from surveys.db import db
from surveys.models import Location, Role, User
from tests.case_factories import make_alert, make_location, make_user, use_test_password


@dataclass
class Cast:
    shop_id: int  # the demo shop
    other_shop_id: int
    owner: str
    manager: str  # of the demo shop
    other_manager: str  # of the other shop only
    staff: str  # of the demo shop, read-only
    manager_id: int = 0


@pytest.fixture
def cast(app, demo) -> Cast:
    """Both shops and one user of each kind, committed; no app context is left open."""
    with app.app_context():
        shop = db.session.get(Location, demo.location_id)
        use_test_password(db.session.query(User).filter_by(email=demo.owner_email).one())
        other_shop = make_location()
        manager = make_user("manager@example.com", Role.MANAGER, [shop])
        make_user("other@example.com", Role.MANAGER, [other_shop])
        make_user("staff@example.com", Role.STAFF, [shop])
        db.session.commit()
        return Cast(
            shop_id=shop.id,
            other_shop_id=other_shop.id,
            owner=demo.owner_email,
            manager=manager.email,
            other_manager="other@example.com",
            staff="staff@example.com",
            manager_id=manager.id,
        )


@pytest.fixture
def new_alert(app, cast):
    """A function that stores an alert at a shop and returns its id."""

    def create(shop_id: int | None = None, **details) -> int:
        with app.app_context():
            alert = make_alert(db.session.get(Location, shop_id or cast.shop_id), **details)
            db.session.commit()
            return alert.id

    return create
