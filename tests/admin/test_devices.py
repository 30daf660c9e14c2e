"""Managers pair, re-pair and revoke their locations' tablets from the admin."""

import re

from surveys.db import db
from surveys.models import Device, utcnow
from tests.admin.conftest import PARTIAL, post_form, sign_in_as


def pairing_path(html: str) -> str:
    link = re.search(r'class="pairing-link">([^<]+)<', html).group(1)
    return link.removeprefix("http://localhost")


def test_the_list_shows_status_and_last_seen(signed_in, shops):
    html = signed_in("manager_a").get(f"/admin/locations/{shops.a}/devices/").text
    assert "Till A" in html and "Till B" not in html
    assert "Pairing link expired" in html and "Never" in html


def test_a_new_tablet_gets_a_one_time_link_that_pairs_a_browser(app, signed_in, shops):
    manager = signed_in("manager_a")
    url = f"/admin/locations/{shops.a}/devices/"
    response = post_form(manager, url, {"name": "Till 2"})
    assert response.status_code == 201 and "Waiting for pairing" in response.text
    tablet = app.test_client()
    assert tablet.post(pairing_path(response.text)).status_code == 303
    assert "Paired" in manager.get(url).text
    assert "/kiosk/pair/" not in manager.get(url).text  # the link is shown once only


def test_a_tablet_name_is_required(signed_in, shops):
    url = f"/admin/locations/{shops.a}/devices/"
    response = post_form(signed_in("manager_a"), url, {"name": ""}, PARTIAL)
    assert response.status_code == 422 and "A tablet needs a name" in response.text


def test_a_new_link_replaces_the_old_and_revoking_stops_the_tablet(app, signed_in, shops):
    manager = signed_in("manager_a")
    first = post_form(manager, f"/admin/devices/{shops.device_a}/pairing-link", headers=PARTIAL)
    second = post_form(manager, f"/admin/devices/{shops.device_a}/pairing-link", headers=PARTIAL)
    tablet = app.test_client()
    assert tablet.post(pairing_path(first.text)).status_code == 404
    assert tablet.post(pairing_path(second.text)).status_code == 303

    revoked = post_form(manager, f"/admin/devices/{shops.device_a}/revoke", headers=PARTIAL)
    assert revoked.status_code == 200 and "Revoked" in revoked.text
    assert tablet.get("/kiosk/").status_code == 403
    again = post_form(manager, f"/admin/devices/{shops.device_a}/pairing-link", headers=PARTIAL)
    assert again.status_code == 422 and "add a new tablet instead" in again.text


def test_a_manager_cannot_revoke_another_locations_tablet(app, signed_in, shops):
    response = post_form(signed_in("manager_b"), f"/admin/devices/{shops.device_a}/revoke")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Device, shops.device_a).revoked_at is None


def test_the_tablets_page_shows_each_tablets_health(app, shops):
    """A heartbeat's queue length and battery appear on the manager's tablets page."""
    with app.app_context():
        device = db.session.get(Device, shops.device_a)
        device.paired_at = device.last_heartbeat_at = utcnow()
        device.queue_length, device.battery_percent = 7, 42
        db.session.commit()
    client = app.test_client()
    sign_in_as(app, client, shops.manager_a)
    html = client.get(f"/admin/locations/{shops.a}/devices/").get_data(as_text=True)
    assert "Online" in html and "42 %" in html and ">7<" in html
