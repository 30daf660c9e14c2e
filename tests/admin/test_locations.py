"""The locations screens: owners create and edit; managers see only their own."""

from surveys.db import db
from surveys.models import Location
from tests.admin.conftest import post_form

NEW_SHOP = {
    "name": "Harbour",
    "timezone": "Europe/Tirane",
    "languages": ["sq", "en"],
    "default_language": "sq",
    "response_interval_seconds": "5",
    "idle_timeout_seconds": "30",
    "thank_you_seconds": "6",
    "contact_retention_days": "90",
    "escalate_after_minutes": "5",
    "resolve_within_hours": "24",
    "currency": "ALL",
}


def test_a_manager_sees_only_their_location_and_cannot_edit(signed_in, shops):
    html = signed_in("manager_b").get("/admin/locations/").text
    assert "Shop B" in html and "Shop A" not in html
    assert f"/admin/locations/{shops.b}/staff/" in html and "/edit" not in html
    assert "New location" not in html


def test_an_owner_creates_a_location(app, signed_in):
    owner = signed_in("owner")
    assert 'name="timezone"' in owner.get("/admin/locations/new").text
    response = post_form(owner, "/admin/locations/", NEW_SHOP)
    assert response.status_code == 303
    assert "Harbour" in owner.get("/admin/locations/").text
    with app.app_context():
        harbour = db.session.query(Location).filter_by(name="Harbour").one()
        assert harbour.languages == ["sq", "en"] and not harbour.manager_on_duty


def test_a_form_with_errors_comes_back_filled_in(signed_in):
    form = {**NEW_SHOP, "timezone": "Mars/Olympus", "thank_you_seconds": "600"}
    response = post_form(signed_in("owner"), "/admin/locations/", form)
    assert response.status_code == 422
    assert "Unknown time zone: Mars/Olympus" in response.text
    assert "Enter whole seconds from 2 to 60." in response.text
    assert 'value="Harbour"' in response.text and 'value="600"' in response.text


def test_an_owner_edits_the_settings(app, signed_in, shops):
    owner = signed_in("owner")
    form_page = owner.get(f"/admin/locations/{shops.a}/edit").text
    assert 'value="Shop A"' in form_page and "<option selected>Europe/Tirane</option>" in form_page
    form = {**NEW_SHOP, "name": "Shop A", "idle_timeout_seconds": "60"}
    assert post_form(owner, f"/admin/locations/{shops.a}", form).status_code == 303
    with app.app_context():
        shop = db.session.get(Location, shops.a)
        assert shop.idle_timeout_seconds == 60


def test_an_owner_sets_how_long_contact_details_are_kept(app, signed_in, shops):
    owner = signed_in("owner")
    assert (
        'name="contact_retention_days" type="number" value="90"'
        in owner.get(f"/admin/locations/{shops.a}/edit").text
    )
    form = {**NEW_SHOP, "name": "Shop A", "contact_retention_days": "30"}
    assert post_form(owner, f"/admin/locations/{shops.a}", form).status_code == 303
    with app.app_context():
        assert db.session.get(Location, shops.a).contact_retention_days == 30


def test_a_retention_outside_one_day_to_ten_years_is_refused(app, signed_in, shops):
    owner = signed_in("owner")
    for typed in ("0", "3651", "-5", "ninety", ""):
        form = {**NEW_SHOP, "name": "Shop A", "contact_retention_days": typed}
        response = post_form(owner, f"/admin/locations/{shops.a}", form)
        assert response.status_code == 422
        assert "Enter whole days from 1 to 3650." in response.text
    with app.app_context():
        assert db.session.get(Location, shops.a).contact_retention_days == 90


def test_an_owner_sets_the_locations_currency_and_nonsense_is_refused(app, signed_in, shops):
    owner = signed_in("owner")
    assert "<option selected>EUR</option>" in owner.get(f"/admin/locations/{shops.a}/edit").text
    form = {**NEW_SHOP, "name": "Shop A", "currency": "AMD"}
    assert post_form(owner, f"/admin/locations/{shops.a}", form).status_code == 303
    assert "<option selected>AMD</option>" in owner.get(f"/admin/locations/{shops.a}/edit").text
    refused = post_form(owner, f"/admin/locations/{shops.a}", {**form, "currency": "€€"})
    assert refused.status_code == 422 and "Please choose a currency from the list." in refused.text
    with app.app_context():
        assert db.session.get(Location, shops.a).currency == "AMD"


def test_an_owner_sets_the_case_targets_the_overdue_view_reads(app, signed_in, shops):
    owner = signed_in("owner")
    page = owner.get(f"/admin/locations/{shops.a}/edit").text
    assert 'name="escalate_after_minutes"' in page and 'name="resolve_within_hours"' in page
    form = {
        **NEW_SHOP,
        "name": "Shop A",
        "escalate_after_minutes": "15",
        "resolve_within_hours": "0",
    }
    assert post_form(owner, f"/admin/locations/{shops.a}", form).status_code == 303
    with app.app_context():
        shop = db.session.get(Location, shops.a)
        assert (shop.escalate_after_minutes, shop.resolve_within_hours) == (15, 0)
    for bad in ({"escalate_after_minutes": "-1"}, {"resolve_within_hours": "9999"}):
        refused = post_form(owner, f"/admin/locations/{shops.a}", {**form, **bad})
        assert refused.status_code == 422 and "(0: no target)" in refused.text
    with app.app_context():
        assert db.session.get(Location, shops.a).escalate_after_minutes == 15
