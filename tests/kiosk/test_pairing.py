"""Pairing a tablet, the device cookie, unpaired and revoked browsers, cross-site posts."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from surveys.db import db
from surveys.models import Device, Response
from surveys.places.devices import revoke_device


def test_unpaired_browser_gets_a_clear_page_not_the_survey(client):
    response = client.get("/kiosk/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "This tablet is not set up yet." in html
    assert 'name="rating"' not in html


def test_pairing_link_asks_first_then_sets_a_long_lived_httponly_cookie(client, demo):
    confirm = client.get(f"/kiosk/pair/{demo.pairing_code}")
    assert confirm.status_code == 200 and "Checkout tablet" in confirm.get_data(as_text=True)
    paired = client.post(f"/kiosk/pair/{demo.pairing_code}")
    assert paired.status_code == 303 and paired.headers["Location"] == "/kiosk/"
    cookie = paired.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/kiosk" in cookie
    assert "Max-Age=34560000" in cookie  # 400 days, the longest browsers keep
    assert client.get("/kiosk/").status_code == 200


def test_a_pairing_link_works_once(client, app, demo):
    client.post(f"/kiosk/pair/{demo.pairing_code}")
    stranger = app.test_client()
    assert stranger.get(f"/kiosk/pair/{demo.pairing_code}").status_code == 404
    assert stranger.post(f"/kiosk/pair/{demo.pairing_code}").status_code == 404
    assert stranger.get("/kiosk/").status_code == 403


def test_an_expired_pairing_link_is_refused(client, app, demo):
    with app.app_context():
        device = db.session.scalars(select(Device)).one()
        device.pairing_expires_at -= timedelta(hours=25)
        db.session.commit()
    response = client.get(f"/kiosk/pair/{demo.pairing_code}")
    assert response.status_code == 404
    assert "This pairing link does not work." in response.get_data(as_text=True)


def test_the_device_cookie_is_only_stored_hashed(app, kiosk):
    token = kiosk.get_cookie("counterpulse_device", path="/kiosk").value
    with app.app_context():
        device = db.session.scalars(select(Device)).one()
        assert device.token_hash and token not in device.token_hash


def test_a_revoked_tablet_can_no_longer_submit(app, kiosk, demo):
    with app.app_context():
        revoke_device(db.session.scalars(select(Device)).one())
        db.session.commit()
    page = kiosk.get("/kiosk/")
    assert page.status_code == 403
    assert "This tablet has been disconnected." in page.get_data(as_text=True)
    tap = {"response_id": str(uuid.uuid4()), "question": "1", "rating": "1", "language": "en"}
    assert kiosk.post("/kiosk/responses", data=tap).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Response)).first() is None


def test_cross_site_posts_are_refused_even_with_the_cookie(app, kiosk, demo):
    tap = {
        "response_id": str(uuid.uuid4()),
        "question": str(demo.question_ids["rating"]),
        "rating": "1",
        "language": "en",
    }
    evil = kiosk.post("/kiosk/responses", data=tap, headers={"Sec-Fetch-Site": "cross-site"})
    evil_origin = kiosk.post("/kiosk/responses", data=tap, headers={"Origin": "https://evil.test"})
    same = kiosk.post("/kiosk/responses", data=tap, headers={"Sec-Fetch-Site": "same-origin"})
    assert (evil.status_code, evil_origin.status_code, same.status_code) == (403, 403, 200)


def test_an_old_tablet_taps_without_any_expiring_token(app, kiosk, demo):
    """The first tap of the morning works: no CSRF token that expires is involved."""
    tap = {
        "response_id": str(uuid.uuid4()),
        "question": str(demo.question_ids["rating"]),
        "rating": "4",
        "language": "en",
    }
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    assert kiosk.post("/kiosk/responses", data=tap).status_code == 200
