"""Admin test helpers: sign in as any account of the `shops` fixture, post forms with CSRF;
for the case tests, the demo shop and another with a user of every role (`cast`)."""

import re
from dataclasses import dataclass

import pytest
from flask import session

from surveys.db import db
from surveys.models import Location, Role, User
from surveys.people.sessions import open_session
from tests.case_factories import make_alert, make_location, make_user, use_test_password

PARTIAL = {"HX-Request-Type": "partial"}


def csrf_token(client, path="/admin/login") -> str:
    """The CSRF token a page of this client's session carries."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, email, password):
    """Sign in through the login form, as a person would."""
    token = csrf_token(client)
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def post_form(client, url, data=None, headers=None):
    """Post a form with the session's CSRF token, as the page's own form would."""
    fields = {"csrf_token": csrf_token(client, "/admin/account"), **(data or {})}
    return client.post(url, data=fields, headers=headers or {})


def sign_in_as(app, client, user_id: int) -> None:
    """Give the client a fresh signed-in session, without the slow password check."""
    from admin.auth import start_session

    # The same address and browser as the client's requests, or session protection refuses.
    with app.test_request_context(environ_base=client.environ_base):
        user = db.session.get(User, user_id)
        key = open_session(user)
        db.session.commit()
        start_session(user, key)
        cookie = dict(session)
    with client.session_transaction() as stored:
        stored.clear()
        stored.update(cookie)


@pytest.fixture
def signed_in(app, shops):
    """signed_in("manager_a") is a new client signed in as that account of `shops`."""

    def client_for(who: str):
        client = app.test_client()
        sign_in_as(app, client, getattr(shops, who))
        return client

    return client_for


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
