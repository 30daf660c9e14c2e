"""Signing in to the admin with the demo owner's one-time password."""

import re

from surveys.accounts import set_password
from surveys.db import db
from surveys.models import User


def csrf_token(client, path="/admin/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, email, password):
    token = csrf_token(client)
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_demo_owner_signs_in_with_the_printed_password(client, demo):
    response = login(client, demo.owner_email, demo.owner_password)
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_answer(client, demo):
    wrong = login(client, demo.owner_email, "not-the-password")
    unknown = login(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    message = "That e-mail and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_a_login_form_without_csrf_token_is_refused(client, demo):
    data = {"email": demo.owner_email, "password": demo.owner_password}
    assert client.post("/admin/login", data=data).status_code == 400


def test_a_password_change_ends_older_sessions(app, client, demo):
    login(client, demo.owner_email, demo.owner_password)
    with app.app_context():
        user = db.session.query(User).one()
        set_password(user, "a-brand-new-long-password")
        user.session_version += 1
        db.session.commit()
    assert client.get("/admin/").status_code == 302
