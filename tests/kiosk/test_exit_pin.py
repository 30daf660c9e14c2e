"""Leaving kiosk mode: only with the location's PIN, checked on the server, rate-limited."""

import re

import pytest

from kiosk.exit_pin import EXIT_ATTEMPTS
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location
from surveys.places.kiosk_exit import exit_pin_matches, set_exit_pin

PIN = "2468"


@pytest.fixture
def with_pin(app, demo):
    with app.app_context():
        set_exit_pin(db.session.get(Location, demo.location_id), PIN)
        db.session.commit()


def test_the_pin_is_stored_as_an_argon2id_hash(app, demo, with_pin):
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        assert location.exit_pin_hash.startswith("$argon2id$") and PIN not in location.exit_pin_hash
        assert exit_pin_matches(location, PIN) and not exit_pin_matches(location, "1357")


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "١٢٣٤"])
def test_a_pin_is_four_to_twelve_plain_digits(app, demo, pin):
    with app.app_context(), pytest.raises(SubmissionInvalid):
        set_exit_pin(db.session.get(Location, demo.location_id), pin)


def test_the_start_page_offers_the_pin_pad_and_no_other_way_out(kiosk):
    html = kiosk.get("/kiosk/").get_data(as_text=True)
    assert 'class="kiosk-exit-corner"' in html and 'id="kiosk-exit"' in html
    links = re.findall(r'href="([^"]+)"', html)
    assert all(
        h.startswith(("/kiosk/?lang=", "/static/", "/kiosk/brand/", "data:")) for h in links
    ), links


def test_the_right_pin_leaves_for_a_plain_page(kiosk, with_pin):
    response = kiosk.post("/kiosk/exit", data={"pin": PIN})
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk/exited"
    page = kiosk.get("/kiosk/exited").get_data(as_text=True)
    assert "Kiosk mode ended" in page and "kiosk.js" not in page


def test_htmx_is_sent_to_the_plain_page_by_a_header(kiosk, with_pin):
    response = kiosk.post("/kiosk/exit", data={"pin": PIN}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/kiosk/exited"


def test_a_wrong_pin_shows_the_pad_again_with_a_message(kiosk, with_pin):
    response = kiosk.post("/kiosk/exit", data={"pin": "1111"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "That PIN is not right." in html and "<html" not in html


def test_without_a_pin_set_the_kiosk_cannot_be_left(kiosk):
    response = kiosk.post("/kiosk/exit", data={"pin": "0000"})
    assert response.status_code == 422 and "No PIN is set." in response.get_data(as_text=True)


def test_only_a_paired_tablet_may_try(client, with_pin):
    assert client.post("/kiosk/exit", data={"pin": PIN}).status_code == 403


def test_guessing_is_rate_limited(kiosk, with_pin):
    attempts = int(EXIT_ATTEMPTS.split()[0])
    wrong = {"pin": "0000"}
    statuses = [kiosk.post("/kiosk/exit", data=wrong).status_code for _ in range(attempts)]
    assert statuses == [422] * attempts
    assert kiosk.post("/kiosk/exit", data={"pin": PIN}).status_code == 429
