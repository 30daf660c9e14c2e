"""Owners managing accounts: creation with a one-time password, edits, deactivation."""

import pytest
from sqlalchemy import func, select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AuditEvent, Role, User
from surveys.people.audit import Actor
from surveys.people.sessions import open_session, sign_in, user_for_session
from surveys.people.users import (
    AccountFields,
    create_account,
    deactivate_account,
    reactivate_account,
    reset_password,
    update_account,
)


@pytest.fixture
def owner(app_context, shops) -> Actor:
    return Actor(db.session.get(User, shops.owner), "192.0.2.1")


def test_a_new_account_gets_a_one_time_password_it_must_change(owner, shops):
    fields = AccountFields("New.Manager@Shops.example", "manager", [str(shops.b)])
    user, password = create_account(fields, owner)
    assert user.email == "new.manager@shops.example" and user.role == Role.MANAGER
    assert [location.id for location in user.locations] == [shops.b]
    assert user.must_change_password and len(password) >= 16
    assert sign_in(user.email, password, None)[0] is user
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.details == {"user_id": user.id, "role": "manager"}
    assert password not in repr(event.details)


@pytest.mark.parametrize(
    ("email", "role", "locations", "field"),
    [
        ("not-an-address", "manager", "a", "email"),
        ("MANAGER.B@shops.example", "manager", "a", "email"),
        ("x@shops.example", "emperor", "a", "role"),
        ("x@shops.example", "manager", "", "locations"),
        ("x@shops.example", "staff", "999", "locations"),
        ("x@shops.example", "manager", "abc", "locations"),
    ],
    ids=["bad e-mail", "taken e-mail", "unknown role", "no location", "unknown id", "not an id"],
)
def test_an_invalid_account_form_is_refused_and_nothing_is_kept(
    owner, shops, email, role, locations, field
):
    location_ids = [str(shops.a) if locations == "a" else locations] if locations else []
    accounts_before = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(SubmissionInvalid) as refused:
        create_account(AccountFields(email, role, location_ids), owner)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(User)) == accounts_before


def test_owners_need_no_location_and_keep_none(owner, shops):
    user, _password = create_account(
        AccountFields("second.owner@shops.example", "owner", [str(shops.a)]), owner
    )
    assert user.role == Role.OWNER and user.locations == []


def test_an_edit_changes_role_and_locations_but_never_ones_own_role(owner, shops):
    other = db.session.get(User, shops.other_manager_a)
    update_account(other, AccountFields(other.email, "staff", [str(shops.b)]), owner)
    assert other.role == Role.STAFF and [loc.id for loc in other.locations] == [shops.b]
    demotion = AccountFields(owner.user.email, "manager", [str(shops.a)])
    with pytest.raises(SubmissionInvalid) as refused:
        update_account(owner.user, demotion, owner)
    assert "role" in refused.value.errors


def test_deactivation_ends_the_accounts_sessions_at_once(owner, shops):
    other = db.session.get(User, shops.other_manager_a)
    key = open_session(other)
    deactivate_account(other, owner)
    assert not other.active
    assert user_for_session(other.id, other.session_version, key) is None
    reactivate_account(other, owner)
    assert other.active and user_for_session(other.id, other.session_version, key) is None


def test_nobody_deactivates_or_resets_their_own_account(owner):
    with pytest.raises(SubmissionInvalid):
        deactivate_account(owner.user, owner)
    with pytest.raises(SubmissionInvalid):
        reset_password(owner.user, owner)
    assert owner.user.active


def test_a_reset_password_replaces_the_old_one_and_must_be_changed(owner, shops):
    other = db.session.get(User, shops.other_manager_a)
    password = reset_password(other, owner)
    assert other.must_change_password
    assert sign_in(other.email, password, None) is not None
