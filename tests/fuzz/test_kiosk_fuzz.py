"""Fuzzing the tablet: start screen, taps, follow-ups, heartbeats, pairing and the exit PIN,
with hostile fields, bodies and headers. No answer is a server error, and the database holds
exactly the answers the kiosk was told were stored.

Every example draws all it will send before sending anything (Hypothesis needs the draws
not to depend on the server's answers); the answers only decide whether a follow-up is sent.
"""

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import Accepted, fuzz_settings
from tests.fuzz.hostile import hostile_text, pick
from tests.fuzz.survey_fields import RESPONSE_IDS, follow_up_fields, tap_fields
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

HEARTBEAT = {
    "app_version": ["2026.11.1", ""],
    "queue_length": ["0", "3"],
    "battery_percent": ["80", ""],
    "battery_charging": ["true", "false", ""],
    "clock_skew_seconds": ["-2", "0"],
    "last_error": ["", "TypeError: x is undefined"],
}


def posted(draw, label: str, path: str, fields: dict[str, list[str]]) -> Sent:
    """A post of these fields, maybe mutated, in some body shape, with the kiosk's headers."""
    pairs = mutate_pairs(draw, fields)
    headers = {"Origin": SAME_ORIGIN} | hostile_headers(draw)
    return with_body_shape(draw, Sent(label, "POST", path, headers=headers), pairs)


def page_paths(draw) -> str:
    """A kiosk page or file asked for with a hostile part in its address."""
    value = quote(draw(hostile_text()), safe="") or "x"
    number = draw(st.integers(0, 2**70))
    return pick(
        draw,
        [
            f"/kiosk/?lang={value}",
            f"/kiosk/pair/{value}",
            f"/kiosk/brand/{number}.css",
            f"/kiosk/brand/{number}/logo.png",
            "/kiosk/pair/%FF%FE",
            "/kiosk/sw.js",
        ],
    )


def test_the_kiosk_survives_hostile_requests(fuzz_app, demo, kiosk):
    accepted, tally = Accepted(), Tally()
    taps = tap_fields(demo.question_ids["rating"], ["en", "hy", "hi", "az", "sq", "fa"])
    follow_ups = follow_up_fields(fuzz_app, demo.survey_id, demo.location_id)

    def follow_up_path(draw) -> str:
        return f"/kiosk/responses/{pick(draw, RESPONSE_IDS)}/follow-up"

    @st.composite
    def visit(draw) -> list[Sent]:
        """One step at the tablet: mostly a tap and its follow-up."""
        kind = pick(draw, ["tap"] * 6 + ["follow-up", "heartbeat", "page", "pair"])
        if kind == "tap":
            tap = posted(draw, "kiosk submit", "/kiosk/responses", taps)
            stored = sent_uuid(tap)
            path = f"/kiosk/responses/{stored}/follow-up"
            return [tap, posted(draw, "kiosk follow-up", path, follow_ups)]
        if kind == "follow-up":
            return [posted(draw, "kiosk follow-up", follow_up_path(draw), follow_ups)]
        if kind == "heartbeat":
            return [posted(draw, "kiosk heartbeat", "/kiosk/heartbeat", HEARTBEAT)]
        if kind == "page":
            return [Sent("kiosk pages", "GET", page_paths(draw), headers=hostile_headers(draw))]
        code = quote(draw(hostile_text()), safe="") or "x"
        path, label = pick(draw, [(f"/kiosk/pair/{code}", "pair"), ("/kiosk/exit", "exit")])
        return [posted(draw, f"kiosk {label}", path, {"pin": ["1234", "0000"]})]

    @fuzz_settings(0.4)
    @given(visit())
    def run(requests):
        for request in requests:
            if request.label == "kiosk follow-up" and requests[0].label == "kiosk submit":
                if sent_uuid(requests[0]) not in accepted.taps:
                    break  # the tap was refused: there is nothing to follow up
            client = fuzz_app.test_client() if request.label == "kiosk pair" else kiosk
            response = send(client, request, tally)
            accepted.note(request, response)

    run()
    tally.save("kiosk")
    accepted.check(fuzz_app)
    assert accepted.taps and accepted.follow_ups  # the fuzzer reached deep, not only refusals
