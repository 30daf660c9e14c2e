"""The demo's printed accounts: the owner sees both shops, the manager only the second."""

import json

from tests.admin.conftest import login


def test_the_demo_manager_sees_only_the_second_shop(app):
    printed = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).stdout)
    manager, owner = app.test_client(), app.test_client()
    assert login(manager, printed["manager_email"], printed["manager_password"]).status_code == 303
    assert login(owner, printed["admin_email"], printed["admin_password"]).status_code == 303
    managers_view = manager.get("/admin/locations/").text
    assert "Second shop" in managers_view and "Demo shop" not in managers_view
    assert "Demo shop" in owner.get("/admin/locations/").text
