"""Fuzzing link mode on the phone: receipt links (/r/...) and poster links (/p/...), the page,
the first answer and the follow-up, with hostile codes, fields, bodies and headers.

Each example draws what it will send first; the page's own response id and form token are
filled in when the page has been fetched, so genuine-looking posts get through to the end.
"""

import re
from dataclasses import replace
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.channels.posters import poster_code
from surveys.channels.receipts import mint_receipt
from surveys.db import db
from surveys.models import Location
from tests.fuzz.conftest import Accepted, fuzz_settings
from tests.fuzz.hostile import HOSTILE_TEXT, pick
from tests.fuzz.survey_fields import FORM_TOKEN, follow_up_fields
from tests.fuzz.wire import (
    SAME_ORIGIN,
    Sent,
    Tally,
    hostile_headers,
    mutate_pairs,
    send,
    sent_uuid,
    with_body_shape,
)

PAGE_ID = "{response_id}"  # the response id the page offered, filled in when it is known
HIDDEN = re.compile(r'<input type="hidden" name="(response_id|form_token)" value="([^"]*)"')


def codes(app, demo, kind: str) -> list[str]:
    """Genuine codes to start from: many receipts, or the one poster."""
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        if kind == "p":
            return [poster_code(location)]
        return [mint_receipt(location, 1, n).code for n in range(1, 400)]


def fill_in(request: Sent, values: dict[str, str]) -> Sent:
    """The request with the page's response id and form token put where they were drawn."""
    body = request.body
    path = request.path.replace(PAGE_ID, values.get(PAGE_ID, PAGE_ID))
    for placeholder, value in values.items():
        if isinstance(body, bytes):
            body = body.replace(quote(placeholder, safe="").encode(), value.encode())
            body = body.replace(placeholder.encode(), value.encode())
        elif isinstance(body, dict):
            body = {name: v.replace(placeholder, value) for name, v in body.items()}
    return replace(request, body=body, path=path)


def page_values(html: str) -> dict[str, str]:
    """The response id and form token a link page carries."""
    found = dict(HIDDEN.findall(html))
    names = {"response_id": PAGE_ID, "form_token": FORM_TOKEN}
    return {names[name]: value for name, value in found.items()}


@pytest.mark.parametrize("kind", ["r", "p"])
def test_receipt_and_poster_links_survive_hostile_requests(fuzz_app, demo, kind):
    accepted, tally = Accepted(), Tally()
    genuine = codes(fuzz_app, demo, kind)
    name = {"r": "receipt", "p": "poster"}[kind]
    follow_ups = follow_up_fields(fuzz_app, demo.survey_id, demo.location_id)
    follow_ups["form_token"] = [FORM_TOKEN]
    tap_fields = {
        "response_id": [PAGE_ID],
        "question": [str(demo.question_ids["rating"])],
        "language": ["en", "hy", "fa"],
        "form_token": [FORM_TOKEN],
        "rating": ["1", "2", "3", "4", "5"],
    }

    def posted(draw, label: str, path: str, fields) -> Sent:
        pairs = mutate_pairs(draw, fields)
        headers = {"Origin": SAME_ORIGIN} | hostile_headers(draw)
        return with_body_shape(draw, Sent(label, "POST", path, headers=headers), pairs)

    @st.composite
    def visit(draw) -> list[Sent]:
        """Open a code, answer, follow up: each step maybe hostile."""
        code = pick(draw, genuine)
        if draw(st.integers(0, 5)) == 0:
            code = quote(draw(HOSTILE_TEXT), safe="") or "x"
        elif draw(st.integers(0, 5)) == 0:
            code = code[:-3] + pick(draw, ["AAA", "___", "%FF"])  # a changed signature
        base = f"/{kind}/{code}"
        lang = quote(draw(HOSTILE_TEXT), safe="")
        opened = Sent(f"{name} page", "GET", f"{base}?lang={lang}", headers=hostile_headers(draw))
        tap = posted(draw, f"{name} tap", base, tap_fields)
        follow_up = posted(draw, f"{name} follow-up", f"{base}/{PAGE_ID}", follow_ups)
        return [opened, tap, follow_up]

    @fuzz_settings(0.2)
    @given(visit())
    def run(requests):
        client = fuzz_app.test_client()  # a new phone: no poster cookie yet
        opened, tap, follow_up = requests
        values = page_values(send(client, opened, tally).get_data(as_text=True))
        tap = fill_in(tap, values)
        response = send(client, tap, tally)
        accepted.note(tap, response)
        if response.status_code == 200 and (stored := sent_uuid(tap)):
            follow_up = fill_in(follow_up, values | {PAGE_ID: stored})
            accepted.note(follow_up, send(client, follow_up, tally))

    run()
    tally.save(f"{name} links")
    accepted.check(fuzz_app)
    assert accepted.taps and accepted.follow_ups  # the fuzzer reached deep, not only refusals
