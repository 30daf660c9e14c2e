"""Building fuzzed requests byte by byte, sending them through the test client, and counting
what was sent and what came back."""

import json
import os
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_from_bytes

from hypothesis import strategies as st

from tests.fuzz.hostile import HOSTILE_TEXT, HOSTILE_VALUE, INVALID_UTF8, pick

FORM = "application/x-www-form-urlencoded"
MAX_CONTENT_LENGTH = 64 * 1024  # the app's limit: a bigger body must get a 413, not a crash
SAME_ORIGIN = "http://localhost"
BODY_SHAPES = ["form"] * 24 + ["multipart", "json", "none", "junk", "giant", "type"]


def _encode(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return quote_from_bytes(value)
    return quote(value, safe="")


def encode_form(pairs: list[tuple[str, str | bytes]]) -> bytes:
    """An urlencoded body, repeated names kept, bytes that are not UTF-8 sent as they are."""
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in pairs).encode("ascii")


@dataclass
class Sent:
    """One request to send: where, with what headers and body."""

    label: str  # the endpoint, for the tally
    method: str
    path: str
    body: bytes | dict | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    """Requests sent and statuses received, per endpoint."""

    requests: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)

    def add(self, label: str, status: int) -> None:
        """Count one request and its status."""
        self.requests[label] += 1
        self.statuses[f"{label} {status}"] += 1

    def total(self) -> int:
        """All requests sent."""
        return sum(self.requests.values())

    def save(self, name: str) -> None:
        """Append the figures to COUNTERPULSE_FUZZ_REPORT, when set, as one JSON line."""
        path = os.environ.get("COUNTERPULSE_FUZZ_REPORT")
        if path:
            with open(path, "a", encoding="utf-8") as report:
                line = {"test": name, "total": self.total(), "requests": self.requests}
                report.write(json.dumps(line | {"statuses": self.statuses}) + "\n")


def sent_fields(request: Sent) -> dict[str, list[str]] | None:
    """The fields of a form post as the server reads them (kiosk/forms.py), or None."""
    kind = (request.content_type or "").split(";")[0].strip().lower()
    if kind != FORM or not isinstance(request.body, bytes):
        return None
    try:
        pairs = parse_qsl(request.body.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def sent_uuid(request: Sent) -> str | None:
    """The response id a tap carries, as the server would store it; None if it has none."""
    value = (sent_fields(request) or {}).get("response_id", [None])[0]
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def path_uuid(request: Sent) -> str | None:
    """The response id in a follow-up's address."""
    found = re.search(r"/([0-9a-f-]{36})(/follow-up)?$", request.path)
    return found.group(1) if found else None


def send(client, request: Sent, tally: Tally):
    """Send one request; a server error fails the test with what was sent."""
    headers, options = dict(request.headers), {}
    if isinstance(request.body, dict):
        options["content_type"] = request.content_type  # the client adds the boundary
    elif request.content_type is not None:
        headers["Content-Type"] = request.content_type
    response = client.open(
        request.path, method=request.method, data=request.body, headers=headers, **options
    )
    tally.add(request.label, response.status_code)
    assert response.status_code < 500, f"{response.status_code} for {request!r}"
    return response


def with_body_shape(draw, request: Sent, pairs: list[tuple[str, str | bytes]]) -> Sent:
    """Send the fields as a form, mostly; else as multipart, JSON, junk or a giant body."""
    shape = pick(draw, BODY_SHAPES)
    request.content_type = FORM
    if shape == "form":
        request.body = encode_form(pairs)
    elif shape == "multipart":
        text_pairs = {name: v for name, v in pairs if isinstance(v, str) and "\x00" not in name}
        request.body, request.content_type = text_pairs, "multipart/form-data"
    elif shape == "json":
        request.body = json.dumps(dict((n, str(v)) for n, v in pairs)).encode()
        request.content_type = "application/json"
    elif shape == "none":
        request.body, request.content_type = None, None
    elif shape == "junk":
        request.body = draw(st.binary(max_size=200)) + pick(draw, INVALID_UTF8)
    elif shape == "giant":
        size = pick(draw, [MAX_CONTENT_LENGTH - 100, MAX_CONTENT_LENGTH + 1, 300_000])
        request.body = encode_form(pairs + [("filler", "x" * size)])[: size + 50]
    else:
        request.body = encode_form(pairs)
        request.content_type = pick(
            draw,
            [
                "text/plain",
                f"{FORM}; charset=latin-1",
                f"{FORM}; charset=utf-7",
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "application/xml",
                "*/*",
                "\u00e9/\u00e9",
            ],
        )
    return request


MODES = st.sampled_from(["genuine", "one", "one", "many"])
WILD_ACTIONS = st.sampled_from(["hostile", "drop", "repeat", "offered"])
EXTRA_FIELDS = st.lists(st.tuples(HOSTILE_TEXT, HOSTILE_VALUE), max_size=2)


def mutate_pairs(draw, fields: dict[str, list[str]]) -> list[tuple[str, str | bytes]]:
    """A form's fields as the page offers them, with one field or many made hostile: each
    then an offered value, a hostile one, dropped or repeated; sometimes extra fields."""
    names = list(fields)
    mode = draw(MODES)
    wild = set(names) if mode == "many" else set()
    if mode == "one" and names:
        wild = {pick(draw, names)}
    mutated: list[tuple[str, str | bytes]] = []
    for name, offered in fields.items():
        action = draw(WILD_ACTIONS) if name in wild else "offered"
        if action == "offered":
            mutated.append((name, pick(draw, offered)))
        elif action == "hostile":
            mutated.append((name, draw(HOSTILE_VALUE)))
        elif action == "repeat":
            mutated += [(name, pick(draw, offered)), (name, draw(HOSTILE_VALUE))]
    if mode == "many":
        mutated += draw(EXTRA_FIELDS)
        return draw(st.permutations(mutated))
    return mutated


def hostile_headers(draw) -> dict[str, str]:
    """Headers a browser, htmx, a proxy or an attacker might send."""
    headers = {}
    if draw(st.integers(0, 3)) > 0:
        return headers
    if draw(st.booleans()):
        headers["HX-Request-Type"] = pick(draw, ["partial", "full", "x"])
        headers["HX-Request"] = "true"
    if draw(st.integers(0, 4)) == 0:
        headers["Accept-Language"] = pick(
            draw, ["fa", "hy;q=0.5,xx", "*;q=2", "en;q=abc", "\u00e9" * 3, ";;;,,"]
        )
    if draw(st.integers(0, 6)) == 0:
        headers["Origin"] = pick(draw, ["null", "http://evil.example", "::::"])
    if draw(st.integers(0, 6)) == 0:
        headers["Sec-Fetch-Site"] = pick(draw, ["cross-site", "same-site", "none", ""])
    return headers
