"""The admin management screens in a real Chromium: signing in, htmx edits under the strict
CSP, and axe-core on the users, locations, staff and tablets pages."""

import pytest

from tests.conftest import KNOWN_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect


def sign_in(page, live_server: str, email: str) -> None:
    """Sign in through the login form."""
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(KNOWN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()


def test_the_owner_screens_have_no_accessibility_violations(page, axe, live_server, shops):
    sign_in(page, live_server, "owner@shops.example")
    pages = {
        "/admin/users/": "Users",
        "/admin/users/new": "New user",
        "/admin/locations/": "Locations",
        f"/admin/locations/{shops.a}/edit": "Edit Shop A",
        f"/admin/locations/{shops.a}/staff/": "Staff of Shop A",
        f"/admin/locations/{shops.a}/devices/": "Tablets of Shop A",
        "/admin/account": "Your account",
        "/admin/audit/": "Audit",
    }
    for path, heading in pages.items():
        page.goto(f"{live_server}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert axe(page) == [], path


def test_a_manager_edits_the_staff_list_in_place(page, axe, browser_problems, live_server, shops):
    browser_problems.allow("status of 422")  # the refused duplicate name, on purpose
    sign_in(page, live_server, "manager.a@shops.example")
    page.get_by_role("link", name="Locations").click()
    page.get_by_role("link", name="Staff · Shop A").click()
    page.get_by_label("Name", exact=True).fill("Leyla")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_label("Name of Leyla")).to_have_value("Leyla")

    page.get_by_label("Name", exact=True).fill("arben")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("already has this name")
    assert axe(page) == []  # the 422 form, swapped in by htmx

    page.get_by_role("button", name="Deactivate Arben").click()
    expect(page.get_by_role("button", name="Reactivate Arben")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/admin/locations/{shops.a}/staff/")


def test_a_manager_adds_a_tablet_and_sees_its_pairing_link_once(page, axe, live_server, shops):
    sign_in(page, live_server, "manager.a@shops.example")
    page.goto(f"{live_server}/admin/locations/{shops.a}/devices/")
    page.get_by_label("New tablet's name").fill("Till 2")
    page.get_by_role("button", name="Add and get a pairing link").click()
    link = page.locator(".pairing-link")
    expect(link).to_contain_text(f"{live_server}/kiosk/pair/")
    assert axe(page) == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke · Till 2").click()
    expect(page.locator("#device-3")).to_contain_text("Revoked")
    expect(page.locator(".pairing-link")).to_have_count(0)
