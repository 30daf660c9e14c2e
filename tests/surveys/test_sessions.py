"""Signing in and out, ending sessions, and changing one's password, without HTTP."""

import pytest
from sqlalchemy import select

from surveys.audit import Actor
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, User
from surveys.sessions import (
    change_password,
    open_session,
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
