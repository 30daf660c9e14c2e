"""Fuzzing the tills' API and any other /api/ route (the read API once it exists): hostile
JSON, wrong content types, giant bodies and keys, with a genuine key and without. Every
answer is JSON with a status below 500."""

import json
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from surveys.db import db
from surveys.models import Location
from surveys.tills import create_api_key
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.hostile import HOSTILE_JSON, HOSTILE_TEXT, pick
from tests.fuzz.wire import Sent, Tally, send

GENUINE = {"till": 2, "receipt_number": 48213, "qr": "none"}
RECEIPT_FIELDS = ["till", "receipt_number", "issued_at", "staff_id", "qr", "qr_size"]
READ_QUERY = ["since", "until", "location", "limit", "cursor", "format", "page"]


def api_paths(app) -> list[str]:
    """The GET routes under /api/ without arguments: the read API when it is there."""
    rules = app.url_map.iter_rules()
    return sorted(
        r.rule
        for r in rules
        if r.rule.startswith("/api/") and "GET" in r.methods and not r.arguments
    )


@st.composite
def receipt_body(draw) -> dict:
    """A genuine request with fields changed, dropped or added."""
    body = dict(GENUINE)
    for name in draw(st.lists(st.sampled_from(RECEIPT_FIELDS), max_size=3)):
        body[name] = draw(HOSTILE_JSON)
    if draw(st.integers(0, 5)) == 0:
        body[draw(HOSTILE_TEXT)] = draw(HOSTILE_JSON)
    return body


def test_the_api_survives_hostile_requests(fuzz_app, demo):
    with fuzz_app.app_context():
        _key, key = create_api_key(db.session.get(Location, demo.location_id), "Till 2")
        db.session.commit()
    client, tally = fuzz_app.test_client(), Tally()
    reads = api_paths(fuzz_app)

    @st.composite
    def call(draw) -> Sent:
        auth = pick(draw, [f"Bearer {key}"] * 4 + ["", "Bearer cpk_x", "Basic Og==", key])
        headers = {"Authorization": auth} if auth else {}
        if reads and draw(st.integers(0, 3)) == 0:
            names = draw(st.lists(st.sampled_from(READ_QUERY), max_size=3))
            query = "&".join(f"{n}={quote(draw(HOSTILE_TEXT), safe='')}" for n in names)
            return Sent("read API", "GET", f"{pick(draw, reads)}?{query}", headers=headers)
        shape = pick(draw, ["json"] * 6 + ["any", "text", "giant", "bytes"])
        body = draw(receipt_body()) if shape == "json" else draw(HOSTILE_JSON)
        raw = (str(body) if shape == "text" else json.dumps(body)).encode()
        if shape == "giant":
            raw = b'{"till": 1, "x": "' + b"x" * 5000 + b'"}'
        elif shape == "bytes":
            raw = draw(st.binary(max_size=100))
        kind = "text/plain" if shape == "text" else "application/json"
        return Sent("POST /api/v1/receipts", "POST", "/api/v1/receipts", raw, kind, headers)

    @fuzz_settings(0.2)
    @given(call())
    def run(request):
        response = send(client, request, tally)
        assert response.is_json or response.status_code in (200, 304), response.data[:200]

    run()
    tally.save("api")
    assert tally.statuses["POST /api/v1/receipts 201"] > 0  # genuine requests went through
