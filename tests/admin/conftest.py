"""Admin test helpers: sign in as any account of the `shops` fixture, post forms with CSRF."""

import re

import pytest
from flask import session

from surveys.db import db
from surveys.models import User
from surveys.sessions import open_session

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
