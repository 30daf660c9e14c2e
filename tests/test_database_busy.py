"""A SQLite database another writer keeps locked: the kiosk, the phone links, the admin and
the API answer a translated 503 with Retry-After once SQLITE_BUSY_TIMEOUT_SECONDS has passed,
never a 500; reads go on meanwhile; the same answer sent again after the lock is released is
stored once. The lock is real: BEGIN IMMEDIATE in a separate sqlite3 connection."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import Location, Response
from tests.admin.conftest import csrf_token
from tests.conftest import TEST_DATABASE_URL
from tests.kiosk.link_helpers import PARTIAL, form_of, mint
from tests.kiosk.link_helpers import tap_form as link_tap_form
from tests.kiosk.test_kiosk_http import tap_form
from wsgi import create_app

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's write lock")
ALBANIAN = {"Accept-Language": "sq"}
BUSY_SQ = "I zënë për një çast. Ju lutemi provoni përsëri pas disa sekondash."
BUSY_EN = "Busy for a moment. Please try again in a few seconds."


@pytest.fixture
def app(database_uri):
    """The test app, waiting half a second for a lock (the default is 5)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PUBLIC_URL": "http://localhost",
            "SQLITE_BUSY_TIMEOUT_SECONDS": 0.5,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def write_lock_held(database_uri: str):
    """Another connection holds SQLite's write lock until the block ends."""
    other = sqlite3.connect(database_uri.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def assert_busy(response, text: str) -> None:
    assert response.status_code == 503
    # Seconds; Flask-Limiter may restate it on rate-limited routes (rounding down, or later).
    assert int(response.headers["Retry-After"]) >= 1
    assert text in response.get_data(as_text=True)


def test_a_tap_during_a_lock_is_a_503_and_its_resend_is_stored_once(app, database_uri, demo, kiosk):
    form = tap_form(demo, 4)
    with write_lock_held(database_uri):
        assert_busy(kiosk.post("/kiosk/responses", data=form, headers=ALBANIAN), BUSY_SQ)
        assert kiosk.get("/kiosk/").status_code == 200  # reading needs no lock: no stall
    assert stored(app) == 0
    assert kiosk.post("/kiosk/responses", data=form).status_code == 200
    assert kiosk.post("/kiosk/responses", data=form).status_code == 200  # a lost reply's resend
    assert stored(app) == 1


def test_a_receipt_answer_during_a_lock_is_a_503_phone_screen(app, client, database_uri, demo):
    page = form_of(client.get(f"/r/{mint(app, demo)}", headers=ALBANIAN).get_data(as_text=True))
    tap = link_tap_form(page, 5)
    with write_lock_held(database_uri):
        assert_busy(client.post(page["action"], data=tap, headers=PARTIAL | ALBANIAN), BUSY_SQ)
    assert client.post(page["action"], data=tap, headers=PARTIAL).status_code == 200
    assert stored(app) == 1


def test_signing_in_during_a_lock_is_a_503(client, database_uri, demo):
    form = {"email": demo.owner_email, "password": demo.owner_password}
    form["csrf_token"] = csrf_token(client)
    with write_lock_held(database_uri):
        assert_busy(client.post("/admin/login", data=form), BUSY_EN)
    assert client.post("/admin/login", data=form).status_code == 303


def test_the_api_during_a_lock_answers_json_503(app, client, database_uri, demo):
    with app.app_context():
        _key, key = create_api_key(db.session.get(Location, demo.location_id), "Till 2")
        db.session.commit()
    body, headers = {"till": 1, "receipt_number": 5}, {"Authorization": f"Bearer {key}"}
    with write_lock_held(database_uri):
        busy = client.post("/api/v1/receipts", json=body, headers=headers)
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
    assert busy.get_json() == {"error": BUSY_EN, "errors": {}}
    assert client.post("/api/v1/receipts", json=body, headers=headers).status_code == 201
