"""Fuzzing the API: the tills' POST /api/v1/receipts (hostile JSON, wrong content types,
giant bodies) and every GET route under /api/ (the read API's responses and metrics) with
hostile query parameters, each with a genuine key of the right scope, the wrong scope and
none. Every answer is JSON with a status below 500; reads change nothing."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from surveys.capture.responses import Tap, record_follow_up, record_tap
from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import Alert, Answer, FollowUp, Location, Response
from surveys.places.devices import device_for_pairing_code, pair_device
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.hostile import (
    HOSTILE_JSON,
    HOSTILE_TEXT,
    MARKUP,
    SEED_TEXTS,
    SQL,
    pick,
)
from tests.fuzz.wire import Sent, Tally, encode_form, mutate_pairs, send

GENUINE = {"till": 2, "receipt_number": 48213, "qr": "none"}
RECEIPT_FIELDS = ["till", "receipt_number", "issued_at", "staff_id", "qr", "qr_size"]
# What each read route takes (docs/api.md); a route not named here gets every name.
READ_PARAMS = {
    "/api/v1/responses": ["since", "until", "location", "limit", "cursor", "language"],
    "/api/v1/metrics": ["period", "first", "last", "location", "language"],
}


@pytest.fixture
def keys(fuzz_app, demo) -> dict[str, str]:
    """A till's key (scope receipts) and a report tool's key (scope read), both genuine."""
    with fuzz_app.app_context():
        location = db.session.get(Location, demo.location_id)
        _till, till = create_api_key(location, "Till 2")
        _reports, reports = create_api_key(location, "Reports", scopes=("read",))
        db.session.commit()
    return {"receipts": till, "read": reports}


def api_paths(app) -> list[str]:
    """The GET routes under /api/ without arguments: the read API."""
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


@st.composite
def nested_body(draw) -> bytes:
    """A genuine body with a value nested up to 3,000 deep, arrays and objects mixed, closed
    or not, with brackets inside strings too: past 32 levels a 400 saying so, never a 500."""
    depth = draw(st.integers(0, 3000))
    openers = [pick(draw, [b"[", b'{"a": ', b'["[", ']) for _ in range(min(depth, 40))]
    openers = (openers * (depth // max(len(openers), 1) + 1))[:depth]
    closers = b"".join(b"]" if opener.startswith(b"[") else b"}" for opener in reversed(openers))
    if draw(st.booleans()):
        closers = closers[: draw(st.integers(0, len(closers)))]
    value = b"".join(openers) + b"1" + closers
    return b'{"till": 2, "receipt_number": 7, "x": ' + value + b"}"


def authorization(draw, keys: dict[str, str], scope: str) -> dict[str, str]:
    """Mostly the key with the scope; else the other scope's, a wrong one, none, no Bearer."""
    other = keys["read" if scope == "receipts" else "receipts"]
    mine = keys[scope]
    auth = pick(draw, [f"Bearer {mine}"] * 6 + [f"Bearer {other}", "", "Bearer cpk_x", mine])
    return {"Authorization": auth} if auth else {}


def test_the_tills_api_survives_hostile_requests(fuzz_app, keys):
    client, tally = fuzz_app.test_client(), Tally()

    @st.composite
    def call(draw) -> Sent:
        headers = authorization(draw, keys, "receipts")
        shape = pick(draw, ["json"] * 6 + ["any", "text", "giant", "bytes", "nested"])
        body = draw(receipt_body()) if shape == "json" else draw(HOSTILE_JSON)
        raw = (str(body) if shape == "text" else json.dumps(body)).encode()
        if shape == "giant":
            raw = b'{"till": 1, "x": "' + b"x" * 5000 + b'"}'
        elif shape == "bytes":
            raw = draw(st.binary(max_size=100))
        elif shape == "nested":
            raw = draw(nested_body())
        kind = "text/plain" if shape == "text" else "application/json"
        return Sent("POST /api/v1/receipts", "POST", "/api/v1/receipts", raw, kind, headers)

    @fuzz_settings(0.1)
    @given(call())
    def run(request):
        response = send(client, request, tally)
        assert response.is_json, response.data[:200]

    run()
    tally.save("api receipts")
    assert tally.statuses["POST /api/v1/receipts 201"] > 0  # genuine requests went through


def store_hostile_answers(app, demo) -> None:
    """Answers for the read API to return: every rating, the sad ones with hostile words,
    stored as a kiosk stores them."""
    q = demo.question_ids
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        for number, words in enumerate(MARKUP + SQL + SEED_TEXTS):
            response_uuid = f"00000000-0000-4000-8000-{number:012d}"
            rating = str(number % 5 + 1)
            response = record_tap(device, Tap(response_uuid, str(q["rating"]), rating, "en"))
            if response.follow_up == FollowUp.OFFERED:  # the sad faces ask for words
                record_follow_up(device, response_uuid, {f"q{q['comment']}": [words]})
            db.session.commit()


def plausible_values(location_id: int) -> dict[str, list[str]]:
    """Values each parameter could genuinely take, and their edges, to get past validation."""
    today = date.today()
    days = [today - timedelta(days=n) for n in (0, 1, 7, 30, 730, 731, 800)]
    days.append(today + timedelta(days=1))
    dates = [d.isoformat() for d in days] + ["0001-01-01", "1999-12-31", "9999-12-31"]
    instants = dates + [f"{dates[1]}T10:00:00Z", f"{dates[2]}T23:59:59+14:00", f"{dates[0]}T00:00"]
    instants += ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]  # off the calendar
    return {
        "since": instants,
        "until": instants,
        "first": dates,
        "last": dates,
        "period": ["today", "7d", "30d", "custom", "custom"],
        "location": [str(location_id)] * 3 + [str(location_id + 1), "0"],
        "limit": ["1", "2", "100", "1000", "1001", "0"],
        "cursor": ["0", "1", "5", "20", str(2**62), str(2**63)],
        "language": ["en", "fa", "hy", "sq", "xx"],
    }


def test_the_read_api_survives_hostile_queries(fuzz_app, demo, keys):
    store_hostile_answers(fuzz_app, demo)
    before = table_sizes(fuzz_app)
    client, tally = fuzz_app.test_client(), Tally()
    plausible = plausible_values(demo.location_id)
    reads = {path: READ_PARAMS.get(path, list(plausible)) for path in api_paths(fuzz_app)}

    @st.composite
    def call(draw) -> Sent:
        path = pick(draw, sorted(reads))
        names = [name for name in reads[path] if draw(st.booleans())]
        if path == "/api/v1/metrics" and "period" in names and draw(st.booleans()):
            names += ["first", "last"]  # custom dates, mostly, are read only with both
        pairs = mutate_pairs(draw, {name: plausible[name] for name in dict.fromkeys(names)})
        query = encode_form(pairs).decode()
        headers = authorization(draw, keys, "read")
        return Sent(f"GET {path}", "GET", f"{path}?{query}", headers=headers)

    @fuzz_settings(0.1)
    @given(call())
    def run(request):
        response = send(client, request, tally)
        assert response.is_json, response.data[:200]

    run()
    tally.save("api reads")
    assert table_sizes(fuzz_app) == before  # reading stored nothing, changed no count
    for path in reads:  # the fuzz went past the key and the validation, deep into the reads
        assert tally.statuses[f"GET {path} 200"] > 0, tally.statuses


def table_sizes(app) -> tuple[int, ...]:
    """How many responses, answers and alerts are stored."""
    with app.app_context():
        count = [select(func.count()).select_from(model) for model in (Response, Answer, Alert)]
        return tuple(db.session.scalar(query) for query in count)
