"""The demo's printed accounts: the owner sees both shops, the manager only the second, and
each printed password works once, for choosing a password of one's own."""

import json

from tests.admin.conftest import login, post_form

OWN_PASSWORD = "the manager's own long password"


def sign_in_and_choose_password(client, email, printed_password):
    signed_in = login(client, email, printed_password)
    assert signed_in.status_code == 303 and signed_in.location.endswith("/admin/account")
    form = {
        "current_password": printed_password,
        "new_password": OWN_PASSWORD,
        "confirmation": OWN_PASSWORD,
    }
    assert post_form(client, "/admin/account/password", form).status_code in (200, 303)


def test_the_demo_manager_sees_only_the_second_shop(app):
    printed = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).stdout)
    manager, owner = app.test_client(), app.test_client()
    sign_in_and_choose_password(manager, printed["manager_email"], printed["manager_password"])
    sign_in_and_choose_password(owner, printed["admin_email"], printed["admin_password"])
    managers_view = manager.get("/admin/locations/").text
    assert "Second shop" in managers_view and "Demo shop" not in managers_view
    assert "Demo shop" in owner.get("/admin/locations/").text


def test_a_printed_password_leads_only_to_choosing_a_new_one(app):
    printed = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).stdout)
    owner = app.test_client()
    assert login(owner, printed["admin_email"], printed["admin_password"]).status_code == 303
    for page in ("/admin/", "/admin/locations/", "/admin/dashboard/", "/admin/users/"):
        response = owner.get(page)
        assert response.status_code == 302 and response.location.endswith("/admin/account")


def test_running_the_demo_again_asks_for_a_new_password_again(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--json"])
    again = json.loads(runner.invoke(args=["demo", "--json"]).stdout)
    owner = app.test_client()
    sign_in_and_choose_password(owner, again["admin_email"], again["admin_password"])
    assert "Demo shop" in owner.get("/admin/locations/").text
