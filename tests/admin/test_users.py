"""The owner's account screens: list, create with a one-time password, edit, deactivate."""

import re

from sqlalchemy import select

from surveys.db import db
from surveys.models import AuditEvent, Role, User
from tests.admin.conftest import login, post_form


def test_the_list_shows_every_account_with_role_and_locations(signed_in):
    html = signed_in("owner").get("/admin/users/").get_data(as_text=True)
    assert "manager.b@shops.example" in html and "Shop B" in html and "Every location" in html
    assert 'aria-current="page"' in html and ">Users</a>" in html


def test_a_new_account_shows_its_password_once_and_must_change_it(app, signed_in, shops):
    owner = signed_in("owner")
    form = {"email": "ravi@shops.example", "role": "manager", "location_ids": [str(shops.a)]}
    created = post_form(owner, "/admin/users/", form)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="one-time-password">([^<]+)<', created.text).group(1)

    newcomer = app.test_client()
    signed = login(newcomer, "ravi@shops.example", password)
    assert signed.status_code == 303 and signed.headers["Location"] == "/admin/account"
    assert newcomer.get("/admin/locations/").headers["Location"] == "/admin/account"
    new = "ravi chooses his own"
    changed = post_form(
        newcomer,
        "/admin/account/password",
        {"current_password": password, "new_password": new, "confirmation": new},
    )
    assert changed.status_code == 303
    assert "Shop A" in newcomer.get("/admin/locations/").text


def test_an_invalid_account_form_comes_back_with_the_errors(signed_in, shops):
    form = {"email": "manager.a@shops.example", "role": "staff", "location_ids": []}
    response = post_form(signed_in("owner"), "/admin/users/", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another account already uses this e-mail address." in html
    assert "A manager or staff account needs at least one location." in html
    assert 'value="manager.a@shops.example"' in html and 'aria-invalid="true"' in html


def test_an_edit_moves_a_manager_to_another_location(app, signed_in, shops):
    owner = signed_in("owner")
    assert "other.a@shops.example" in owner.get(f"/admin/users/{shops.other_manager_a}/edit").text
    form = {"email": "other.a@shops.example", "role": "manager", "location_ids": [str(shops.b)]}
    saved = post_form(owner, f"/admin/users/{shops.other_manager_a}", form)
    assert saved.status_code == 303 and saved.headers["Location"] == "/admin/users/"
    with app.app_context():
        moved = db.session.get(User, shops.other_manager_a)
        assert moved.role == Role.MANAGER and [loc.id for loc in moved.locations] == [shops.b]


def test_a_deactivated_account_is_signed_out_at_once(app, signed_in, shops):
    victim, owner = signed_in("other_manager_a"), signed_in("owner")
    assert victim.get("/admin/").status_code == 200
    response = post_form(owner, f"/admin/users/{shops.other_manager_a}/deactivate")
    assert response.status_code == 303
    assert victim.get("/admin/").status_code == 302
    assert post_form(owner, f"/admin/users/{shops.other_manager_a}/reactivate").status_code == 303


def test_an_owner_cannot_deactivate_themselves(signed_in, shops):
    response = post_form(signed_in("owner"), f"/admin/users/{shops.owner}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.text


def test_a_password_reset_shows_a_new_password_and_ends_old_sessions(app, signed_in, shops):
    victim, owner = signed_in("other_manager_a"), signed_in("owner")
    response = post_form(owner, f"/admin/users/{shops.other_manager_a}/password")
    assert response.status_code == 200 and "one-time-password" in response.text
    assert victim.get("/admin/").status_code == 302
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == shops.owner)
        )
        assert "user.password_reset" in list(actions)
