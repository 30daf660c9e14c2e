"""Signing in to the admin with the demo owner's one-time password."""

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.models import AuditEvent, User
from surveys.people.accounts import set_password
from tests.admin.conftest import csrf_token, login
from tests.conftest import KNOWN_PASSWORD
from wsgi import create_app


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
        user = db.session.query(User).filter_by(email=demo.owner_email).one()
        set_password(user, "a-brand-new-long-password")
        user.session_version += 1
        db.session.commit()
    assert client.get("/admin/").status_code == 302


def audit_actions(app) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(event.action, event.actor_id, event.details) for event in events]


def test_logins_and_failed_logins_are_audited_without_the_tried_email(app, client, shops):
    login(client, "nobody@example.com", "not-the-password")
    login(client, "manager.a@shops.example", "not-the-password")
    login(client, "manager.a@shops.example", KNOWN_PASSWORD)
    assert audit_actions(app) == [
        ("login.failed", None, {}),
        ("login.failed", None, {"user_id": shops.manager_a}),
        ("login", shops.manager_a, {}),
    ]


def test_a_login_starts_a_fresh_session_without_what_came_before(client, shops):
    with client.session_transaction() as planted:
        planted["planted_by_someone_else"] = "x"
    login(client, "manager.a@shops.example", KNOWN_PASSWORD)
    with client.session_transaction() as session:
        assert "planted_by_someone_else" not in session and session["_fresh"]


def test_the_session_cookie_is_httponly_and_samesite_lax(client, shops):
    response = login(client, "manager.a@shops.example", KNOWN_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.mark.parametrize(
    ("setting", "value"),
    [("PUBLIC_URL", "https://feedback.example"), ("SESSION_COOKIE_SECURE", True)],
)
def test_the_session_cookie_is_secure_behind_https(database_uri, setting, value):
    config = {"SQLALCHEMY_DATABASE_URI": database_uri, "TESTING": True, "SECRET_KEY": "s"}
    config[setting] = value
    assert create_app(config).config["SESSION_COOKIE_SECURE"] is True


def test_the_secure_flag_can_come_from_the_environment(database_uri, monkeypatch):
    monkeypatch.setenv("COUNTERPULSE_SESSION_COOKIE_SECURE", "true")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "TESTING": True, "SECRET_KEY": "s"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_after_login_the_page_that_asked_opens_but_never_another_site(client, shops):
    asked = client.get("/admin/users/")
    assert asked.headers["Location"] == "/admin/login?next=%2Fadmin%2Fusers%2F"
    token = csrf_token(client)
    form = {"email": "owner@shops.example", "password": KNOWN_PASSWORD, "csrf_token": token}
    assert client.post("/admin/login?next=/admin/users/", data=form).headers["Location"] == (
        "/admin/users/"
    )
    token = csrf_token(client)
    form["csrf_token"] = token
    elsewhere = client.post("/admin/login?next=//evil.example/admin/", data=form)
    assert elsewhere.headers["Location"] == "/admin/"


def test_logout_ends_the_session_even_for_a_copy_of_the_cookie(app, client, shops):
    login(client, "manager.a@shops.example", KNOWN_PASSWORD)
    with client.session_transaction() as session:
        copied = dict(session)
    response = client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 303
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert thief.get("/admin/").status_code == 302
    assert ("logout", shops.manager_a, {}) in audit_actions(app)
