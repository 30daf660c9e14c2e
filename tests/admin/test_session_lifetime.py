"""Admin sessions over HTTP: a new session id at every sign-in, idle and absolute limits."""

from datetime import timedelta

from sqlalchemy import update

from admin import SESSION_KEY
from surveys.db import db
from surveys.models import UserSession, utcnow
from tests.admin.conftest import csrf_token, login
from tests.conftest import KNOWN_PASSWORD

MANAGER = "manager.a@shops.example"


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_the_session_id_changes_at_sign_in(client, shops):
    client.get("/admin/login")
    before = session_cookie(client)
    login(client, MANAGER, KNOWN_PASSWORD)
    after = session_cookie(client)
    with client.session_transaction() as session:
        first_key = session[SESSION_KEY]
    assert after != before
    login(client, MANAGER, KNOWN_PASSWORD)  # signing in again in the same browser
    with client.session_transaction() as session:
        assert session[SESSION_KEY] != first_key
    assert client.get("/admin/").status_code == 200


def move_sessions_back(app, *, since_login: timedelta, idle: timedelta) -> None:
    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(UserSession).values(created_at=now - since_login, last_seen_at=now - idle)
        )
        db.session.commit()


def test_a_browser_left_idle_too_long_is_sent_to_the_login(app, client, shops):
    login(client, MANAGER, KNOWN_PASSWORD)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    move_sessions_back(app, since_login=idle, idle=idle - timedelta(minutes=5))
    assert client.get("/admin/").status_code == 200
    move_sessions_back(app, since_login=idle, idle=idle + timedelta(minutes=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_an_open_inbox_stays_signed_in_until_the_lifetime_ends(app, client, shops):
    login(client, MANAGER, KNOWN_PASSWORD)
    lifetime = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    move_sessions_back(app, since_login=lifetime - timedelta(minutes=2), idle=timedelta(hours=1))
    assert client.get("/admin/").status_code == 200  # a reading request notes the use
    with app.app_context():
        seen = db.session.scalar(db.select(UserSession.last_seen_at))
        assert utcnow() - seen < timedelta(minutes=1)
    move_sessions_back(app, since_login=lifetime, idle=timedelta(0))
    poll = client.get("/admin/alerts/feed", headers={"HX-Request": "true"})
    assert poll.status_code == 401 and poll.headers["HX-Redirect"] == "/admin/login"


def test_the_cli_deletes_lapsed_sessions_and_keeps_live_ones(app, client, shops):
    login(client, MANAGER, KNOWN_PASSWORD)
    other = app.test_client()
    login(other, MANAGER, KNOWN_PASSWORD)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    result = app.test_cli_runner().invoke(args=["users", "purge-sessions"])
    assert "1 ended or expired session(s) deleted." in result.output
    assert other.get("/admin/").status_code == 200
