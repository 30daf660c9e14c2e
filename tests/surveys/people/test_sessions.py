"""Signing in and out, ending sessions, and changing one's password, without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, User, UserSession, utcnow
from surveys.people.audit import Actor
from surveys.people.sessions import (
    _digest,
    change_password,
    open_session,
    purge_lapsed_sessions,
    sign_in,
    sign_out,
    sign_out_everywhere,
    user_for_session,
)
from tests.conftest import KNOWN_PASSWORD

ADDRESS = "198.51.100.4"


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def still_signed_in(user: User, key: str) -> bool:
    return user_for_session(user.id, user.session_version, key) is user


def test_a_sign_in_opens_a_session_and_is_audited(app_context, shops):
    user, key = sign_in("Manager.A@shops.example ", KNOWN_PASSWORD, ADDRESS)
    assert user.id == shops.manager_a and still_signed_in(user, key)
    [event] = events("login")
    assert (event.actor_id, event.client_address) == (shops.manager_a, ADDRESS)


def test_a_failed_sign_in_keeps_the_account_id_but_never_an_unknown_email(app_context, shops):
    assert sign_in("manager.a@shops.example", "wrong password", ADDRESS) is None
    assert sign_in("stranger@elsewhere.example", "wrong password", ADDRESS) is None
    known, unknown = events("login.failed")
    assert known.details == {"user_id": shops.manager_a} and known.actor_id is None
    assert unknown.details == {} and "stranger" not in repr(unknown.details)
    assert {known.client_address, unknown.client_address} == {ADDRESS}


def test_a_deactivated_account_cannot_sign_in(app_context, shops):
    db.session.get(User, shops.manager_a).active = False
    assert sign_in("manager.a@shops.example", KNOWN_PASSWORD, ADDRESS) is None


def test_signing_out_ends_only_that_session(app_context, shops):
    user = db.session.get(User, shops.manager_a)
    phone, office = open_session(user), open_session(user)
    sign_out(user, phone, ADDRESS)
    assert not still_signed_in(user, phone) and still_signed_in(user, office)
    assert user_for_session(user.id, user.session_version, None) is None


def test_signing_out_everywhere_ends_every_session(app_context, shops):
    user = db.session.get(User, shops.manager_a)
    phone, office = open_session(user), open_session(user)
    sign_out_everywhere(user, ADDRESS)
    assert not still_signed_in(user, phone) and not still_signed_in(user, office)
    assert len(events("sessions.ended")) == 1


@pytest.mark.parametrize(
    ("current", "new", "confirmation", "field"),
    [
        ("not my password", "a long new password", "a long new password", "current_password"),
        (KNOWN_PASSWORD, "too short", "too short", "new_password"),
        (KNOWN_PASSWORD, KNOWN_PASSWORD, KNOWN_PASSWORD, "new_password"),
        (KNOWN_PASSWORD, "a long new password", "a long new passwort", "confirmation"),
    ],
    ids=["wrong current", "short", "unchanged", "mismatch"],
)
def test_a_password_change_is_refused_with_the_reason(
    app_context, shops, current, new, confirmation, field
):
    user = db.session.get(User, shops.manager_a)
    with pytest.raises(SubmissionInvalid) as refused:
        change_password(user, current, new, confirmation, Actor(user, ADDRESS))
    assert field in refused.value.errors


def test_a_password_change_ends_older_sessions_and_opens_a_new_one(app_context, shops):
    user = db.session.get(User, shops.manager_a)
    user.must_change_password = True
    older = open_session(user)
    new = "twelve chars and more"
    fresh = change_password(user, KNOWN_PASSWORD, new, new, Actor(user, ADDRESS))
    assert still_signed_in(user, fresh) and not still_signed_in(user, older)
    assert not user.must_change_password
    assert sign_in("manager.a@shops.example", new, ADDRESS) is not None
    assert events("password.changed")[0].details == {}


def test_a_common_password_is_refused_as_the_new_one(app_context, shops):
    user = db.session.get(User, shops.manager_a)
    with pytest.raises(SubmissionInvalid) as refused:
        change_password(user, KNOWN_PASSWORD, "Qwerty123456", "Qwerty123456", Actor(user, ADDRESS))
    assert "most common passwords" in refused.value.errors["new_password"]


def session_row(key: str) -> UserSession:
    return db.session.scalar(select(UserSession).where(UserSession.key_hash == _digest(key)))


def age(key: str, *, since_login: timedelta = timedelta(0), idle: timedelta = timedelta(0)):
    """Move a session back in time: signed in `since_login` ago, last used `idle` ago."""
    row, now = session_row(key), utcnow()
    row.created_at, row.last_seen_at = now - since_login, now - idle
    db.session.flush()


def test_a_session_lapses_after_its_idle_timeout(app, app_context, shops):
    user = db.session.get(User, shops.manager_a)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    recent, forgotten = open_session(user), open_session(user)
    db.session.flush()
    age(recent, since_login=idle * 1.2, idle=idle - timedelta(minutes=2))
    age(forgotten, since_login=idle * 1.2, idle=idle + timedelta(minutes=1))
    assert still_signed_in(user, recent) and not still_signed_in(user, forgotten)


def test_a_session_in_constant_use_still_ends_at_its_lifetime(app, app_context, shops):
    user = db.session.get(User, shops.manager_a)
    lifetime = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    key = open_session(user)
    db.session.flush()
    age(key, since_login=lifetime - timedelta(minutes=1))
    assert still_signed_in(user, key)
    age(key, since_login=lifetime + timedelta(minutes=1))
    assert not still_signed_in(user, key)


def test_using_a_session_moves_its_idle_clock_on(app_context, shops):
    user = db.session.get(User, shops.manager_a)
    key = open_session(user)
    db.session.flush()
    age(key, since_login=timedelta(hours=2), idle=timedelta(hours=1))
    assert still_signed_in(user, key)
    db.session.expire_all()
    assert utcnow() - session_row(key).last_seen_at < timedelta(minutes=1)


def test_the_limits_come_from_the_configuration(app, app_context, shops):
    app.config.update(SESSION_IDLE_MINUTES=30, SESSION_LIFETIME_HOURS=1)
    user = db.session.get(User, shops.manager_a)
    key = open_session(user)
    db.session.flush()
    age(key, idle=timedelta(minutes=31))
    assert not still_signed_in(user, key)


def test_a_sign_in_deletes_ended_and_expired_sessions_of_everyone(app, app_context, shops):
    manager, other = db.session.get(User, shops.manager_a), db.session.get(User, shops.manager_b)
    live, ended, idle = open_session(other), open_session(other), open_session(other)
    db.session.flush()
    sign_out(other, ended, ADDRESS)
    age(idle, idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    sign_in(manager.email, KNOWN_PASSWORD, ADDRESS)
    db.session.flush()
    kept = set(db.session.scalars(select(UserSession.key_hash)))
    assert _digest(live) in kept and not {_digest(ended), _digest(idle)} & kept
    assert still_signed_in(other, live)
    assert purge_lapsed_sessions() == 0
