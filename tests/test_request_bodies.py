"""Every request body is read within bounds: deep nesting or a giant body gets a 4xx with a
sentence saying what is wrong, never a 500, and stores nothing.

JSON nested 10, 1,000, 100,000 and 1,000,000 deep, forms with field names nested as deep,
and a body bigger than any limit, to the tills' JSON API and to every route that takes a
POST (kiosk taps, follow-ups and offline replays, link surveys, every admin form)."""

import re

import pytest
from sqlalchemy import func, select

from surveys.bounded_json import MAX_DEPTH, too_deep
from surveys.channels.posters import poster_code
from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import Location
from tests.case_factories import csrf_headers, sign_in

RECEIPTS = "/api/v1/receipts"
DEPTHS = (10, 1_000, 100_000, 1_000_000)
TOO_BIG = 2 * 1024 * 1024  # past every limit, the logo upload's 576 KB included
FORM = "application/x-www-form-urlencoded"
NO_RESPONSE = "00000000-0000-4000-8000-000000000000"


def deep_json(depth: int) -> bytes:
    return b'{"till": ' * depth + b"1" + b"}" * depth


def deep_form(depth: int) -> bytes:
    """A field whose name nests as deep (a[a][a]…), its value a run of brackets."""
    return b"a" + b"%5Ba%5D" * depth + b"=" + b"%5B" * depth


def row_counts() -> dict[str, int]:
    """How many rows each table holds."""
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def till_key(app, demo) -> str:
    with app.app_context():
        _api_key, key = create_api_key(db.session.get(Location, demo.location_id), "Till 2")
        db.session.commit()
        return key


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (deep_json(10), 422, "The request has errors."),  # read, and its fields refused
        (deep_json(MAX_DEPTH + 1), 400, "The JSON is nested too deeply."),
        (b"[" * 1_000 + b"]" * 1_000, 400, "The JSON is nested too deeply."),
        (b"[" * 4_000, 400, "The JSON is nested too deeply."),  # never closed
        (deep_json(1_000), 413, "That was too much to send at once."),  # 9 KB > 4 KB
        (deep_json(100_000), 413, "That was too much to send at once."),
        (deep_json(1_000_000), 413, "That was too much to send at once."),
        (b" " * TOO_BIG, 413, "That was too much to send at once."),
        (b'{"till": "' + b"[" * 3000 + b'"}', 422, "The request has errors."),
        (b"{not json", 400, "The body must be a JSON object."),
    ],
    ids=[
        "10",
        "33",
        "1000",
        "unclosed",
        "1000-objects",
        "100000",
        "1000000",
        "big",
        "brackets-in-a-string",
        "bad",
    ],
)
def test_the_receipts_api_refuses_deep_or_big_json_saying_why(
    app, client, till_key, body, status, message
):
    with app.app_context():
        before = row_counts()
        response = client.post(
            RECEIPTS,
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {till_key}"},
        )
        assert response.status_code == status and response.is_json
        assert response.get_json()["error"] == message
        assert row_counts() == before


def test_the_api_says_it_in_the_clients_language(app, client, till_key):
    response = client.post(
        RECEIPTS,
        data=b"[" * 1_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {till_key}", "Accept-Language": "hy"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "JSON-ը չափազանց խորը ներդրված է։"


def test_a_flat_receipt_still_goes_through(client, till_key):
    response = client.post(
        RECEIPTS,
        json={"till": 2, "receipt_number": 7},
        headers={"Authorization": f"Bearer {till_key}"},
    )
    assert response.status_code == 201


def test_the_depth_check_reads_brackets_outside_strings_only():
    assert not too_deep(b'{"a": "' + b"[" * 100 + b'"}')
    assert not too_deep(b'["\\"' + b"[" * 100 + b'"]')
    assert not too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert too_deep(b"[" * (MAX_DEPTH + 1))
    assert too_deep("{" * 40)


def post_routes(app) -> list[str]:
    """Every POST route, its arguments filled with ids and codes that may not exist."""
    fill = {"int": "1", "uuid": NO_RESPONSE, None: "x"}
    return sorted(
        re.sub(r"<(?:(\w+):)?\w+>", lambda arg: fill[arg.group(1)], rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
    )


BODIES = [(f"json-{depth}", deep_json(depth), "application/json") for depth in DEPTHS]
BODIES += [(f"form-{depth}", deep_form(depth), FORM) for depth in DEPTHS]
BODIES += [
    ("big-form", b"a=" + b"b" * TOO_BIG, FORM),
    ("big-json", b" " * TOO_BIG, "application/json"),
]


@pytest.mark.slow
def test_no_route_answers_a_deep_or_giant_body_with_a_server_error(app, demo, kiosk, till_key):
    app.config["POSTER_RATE_LIMIT"] = "1000000 per minute"  # one client, many posts
    admin = app.test_client()
    sign_in(admin, demo.owner_email, demo.owner_password)
    origin = {"Origin": "http://localhost"}
    headers = {
        "/admin/": csrf_headers(admin) | origin,
        "/api/": {"Authorization": f"Bearer {till_key}"},
    }
    answers = {}
    with app.app_context():
        poster = poster_code(db.session.get(Location, demo.location_id))
        stored_before = customer_rows()
    routes = post_routes(app) + [f"/p/{poster}", f"/p/{poster}/{NO_RESPONSE}"]
    # The tablet's and customers' routes first (an admin post may revoke the tablet), and
    # signing out last, so every admin form is posted signed in.
    routes.sort(key=lambda path: (path.startswith("/admin/"), path.endswith("/logout")))
    for path in routes:
        client = admin if path.startswith("/admin/") else kiosk
        extra = next((h for prefix, h in headers.items() if path.startswith(prefix)), origin)
        for label, body, content_type in BODIES:
            response = client.post(path, data=body, content_type=content_type, headers=extra)
            answers[f"{path} {label}"] = response.status_code
    assert {key: code for key, code in answers.items() if code >= 500} == {}
    assert {key: code for key, code in answers.items() if not refused_in_time(key, code)} == {}
    with app.app_context():
        assert customer_rows() == stored_before


def customer_rows() -> dict[str, int]:
    """What customers' posts store: responses, answers, contacts, cases, messages."""
    counts = row_counts()
    return {
        name: counts[name] for name in ("response", "answer", "customer", "alert", "outbox_message")
    }


def refused_in_time(key: str, status: int) -> bool:
    """A body past the limit is a 413, unless the route refused before reading it: a type
    it never takes (a kiosk post that is JSON, a till's that is a form) or an unknown code."""
    path, label = key.rsplit(" ", 1)
    if not label.startswith("big") and not label.endswith(("100000", "1000000")):
        return True  # within the limit: read, and refused or (needing no fields) taken
    wrong_type = "form" in label if path.startswith("/api/") else "json" in label
    unknown_code = path.startswith(("/kiosk/pair/x", "/p/x", "/r/x"))
    # A route without a CSRF form (the notification's "I'm on it") sends a client whose
    # session an earlier post ended ("sign out everywhere") to sign in, the body unread.
    to_sign_in = status == 302 and path.endswith("/acknowledge-from-push")
    return (
        status == 413
        or (wrong_type and status in (400, 415))
        or (unknown_code and status == 404)
        or to_sign_in
    )
