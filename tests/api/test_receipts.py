"""POST /api/v1/receipts: a till's key, JSON in and out, the QR, and every refusal as JSON."""

import base64
import io
import xml.etree.ElementTree as ElementTree

import pytest
from sqlalchemy import select

from surveys.channels.receipts import verify_receipt_code
from surveys.channels.tills import create_api_key, revoke_api_key
from surveys.db import db
from surveys.models import ApiKey, Location, Response

URL = "/api/v1/receipts"


@pytest.fixture
def key(app, demo) -> str:
    """A fresh API key of the demo location."""
    with app.app_context():
        _api_key, key = create_api_key(db.session.get(Location, demo.location_id), "Till 2")
        db.session.commit()
        return key


def post(client, key, body=None, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post(URL, json=body, headers=headers, **kwargs)


def test_a_till_gets_a_working_url_and_an_svg(app, client, demo, key):
    body = {"till": 2, "receipt_number": 48213, "staff_id": demo.staff_ids["Ravi"]}
    response = post(client, key, body)
    assert response.status_code == 201 and response.is_json
    minted = response.get_json()
    assert minted["url"] == f"http://localhost/r/{minted['code']}" and len(minted["code"]) == 36
    assert minted["qr"]["format"] == "svg"
    ElementTree.fromstring(minted["qr"]["svg"])  # well-formed
    with app.app_context():
        receipt = verify_receipt_code(minted["code"])
        assert (receipt.till, receipt.number, receipt.staff_id) == (2, 48213, body["staff_id"])
        assert db.session.scalars(select(ApiKey)).one().last_used_at is not None
    assert client.get(f"/r/{minted['code']}").status_code == 200


def test_the_png_decodes_to_the_url(client, key):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    response = post(client, key, {"till": 1, "receipt_number": 9, "qr": "png", "qr_size": 256})
    minted = response.get_json()
    png = image.open(io.BytesIO(base64.b64decode(minted["qr"]["png_base64"])))
    assert png.size == (256, 256)
    assert [b.text for b in zxingcpp.read_barcodes(png)] == [minted["url"]]


def test_the_time_of_the_receipt_is_taken_with_its_offset(app, client, key, demo):
    body = {"till": 1, "receipt_number": 9, "issued_at": "2026-11-20T10:00:00+04:00", "qr": "none"}
    with app.app_context():
        db.session.get(Location, demo.location_id).receipt_valid_days = 36500
        db.session.commit()
    minted = post(client, key, body).get_json()
    assert minted["issued_at"] == "2026-11-20T06:00:00Z" and "qr" not in minted


BAD_FIELDS = [
    ({"receipt_number": 1}, "till"),
    ({"till": 70000, "receipt_number": 1}, "till"),
    ({"till": "1", "receipt_number": 1}, "till"),
    ({"till": True, "receipt_number": 1}, "till"),
    ({"till": 1, "receipt_number": -1}, "receipt_number"),
    ({"till": 1, "receipt_number": 1, "staff_id": 999}, "staff_id"),
    ({"till": 1, "receipt_number": 1, "issued_at": "yesterday"}, "issued_at"),
    ({"till": 1, "receipt_number": 1, "issued_at": 12}, "issued_at"),
    ({"till": 1, "receipt_number": 1, "issued_at": "2001-01-01T00:00:00Z"}, "issued_at"),
    # Found by tests/fuzz: these overflowed the calendar, a 500.
    ({"till": 1, "receipt_number": 1, "issued_at": "0001-01-01T00:00:00+05:00"}, "issued_at"),
    ({"till": 1, "receipt_number": 1, "issued_at": "9999-12-31T23:59:59"}, "issued_at"),
    ({"till": 1, "receipt_number": 1, "issued_at": "9999-12-31T23:59:59-05:00"}, "issued_at"),
    ({"till": 1, "receipt_number": 1, "qr": "gif"}, "qr"),
    ({"till": 1, "receipt_number": 1, "qr_size": 5000}, "qr_size"),
    ({"till": 1, "receipt_number": 1, "qr_size": 10}, "qr_size"),
    ({"till": 1, "receipt_number": 1, "qr_size": "big"}, "qr_size"),
    ({"till": 1, "receipt_number": 1, "qr_size": "²"}, "qr_size"),  # was a server error
    ({"till": 1, "receipt_number": 1, "name": "Ani"}, "body"),
]


def test_bad_fields_are_a_422_naming_the_field(client, key):
    for body, field in BAD_FIELDS:
        response = post(client, key, body)
        assert response.status_code == 422 and response.is_json, body
        assert field in response.get_json()["errors"], body


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer cpk_not-a-key", "Bearer ", "Basic dXNlcjpwYXNz", "cpk_missing-scheme"],
)
def test_unknown_keys_are_a_json_401(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(URL, json={"till": 1, "receipt_number": 1}, headers=headers)
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_stops_working_at_once(app, client, key):
    assert post(client, key, {"till": 1, "receipt_number": 1}).status_code == 201
    with app.app_context():
        revoke_api_key(db.session.scalars(select(ApiKey)).one())
        db.session.commit()
    assert post(client, key, {"till": 1, "receipt_number": 2}).status_code == 401


def test_keys_are_stored_hashed(app, key):
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert key not in stored.key_hash and len(stored.key_hash) == 64


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{" + b'"x": "' + b"a" * 5000 + b'"}', "application/json", 413),
        (b"a" * 2_000_000, "application/json", 413),
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"till=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_huge_and_malformed_bodies_are_json_4xx(app, client, key, data, content_type, status):
    response = client.post(
        URL, data=data, content_type=content_type, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == status and response.is_json
    assert response.get_json()["error"]
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_the_api_needs_no_csrf_token_but_other_methods_are_refused(app, client, key):
    app.config["WTF_CSRF_ENABLED"] = True
    assert post(client, key, {"till": 1, "receipt_number": 1}).status_code == 201
    refused = client.get(URL)
    assert refused.status_code == 405 and refused.is_json
    assert client.get("/api/v1/nothing").is_json
