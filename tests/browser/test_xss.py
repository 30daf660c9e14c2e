"""200 hostile payloads as complaint words and as the customer's name, stored by the capture
service as a kiosk stores them, then read by the owner in a real Chromium: all 200 in the
inbox (50 alerts a view), every vector on a case page. No dialog opens, no payload's script
runs or asks for anything, the app's CSP sees no violation (the page fixture fails on any),
and each payload is shown as the text the customer typed.

Not yet covered, until their branches land: the dashboard's latest comments, the CSV export.
"""

import uuid

import pytest
from sqlalchemy import select, update

from surveys.capture import Tap, record_follow_up, record_tap
from surveys.db import db
from surveys.devices import device_for_pairing_code, pair_device
from surveys.models import Alert, AlertStatus, Response
from tests.browser.xss_payloads import PAYLOADS

expect = pytest.importorskip("playwright.sync_api").expect

BATCH = 50  # the inbox shows the newest 50 alerts
VECTORS = len(PAYLOADS) // 4  # each vector comes in four contexts
# Case pages, one per vector (its context rotating), so the test stays under a minute:
# with the customer's name they show 100 of the payloads; the inbox shows all 200.
CASE_PAGES = [v + VECTORS * (v % 4) for v in range(VECTORS)]


def name_for(payload: str) -> str:
    """The customer's name given with a payload: the same vector in another context."""
    return PAYLOADS[(PAYLOADS.index(payload) + len(PAYLOADS) // 2) % len(PAYLOADS)]


def store_complaints(app, demo, payloads: list[str]) -> list[int]:
    """A sad tap per payload, with the payload as its words and as the customer's name."""
    q = demo.question_ids
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        device.location.response_interval_seconds = 0
        db.session.commit()
        ids = []
        for payload in payloads:
            response_uuid = str(uuid.uuid4())
            record_tap(device, Tap(response_uuid, str(q["rating"]), "1", "en"))
            name = name_for(payload)
            words = {f"q{q['comment']}": [payload], f"q{q['contact']}-name": [name]}
            contact = {f"q{q['contact']}-email": ["ani@example.com"]}
            consent = {f"q{q['contact']}-consent": ["yes"]}
            record_follow_up(device, response_uuid, words | contact | consent)
            db.session.commit()
            ids.append(response_uuid)
        alerts = select(Alert.id).join(Response).where(Response.uuid.in_(ids))
        return list(db.session.scalars(alerts.order_by(Alert.id)))


def close_cases(app, alert_ids: list[int]) -> None:
    """Take cases out of the new ones, so the inbox's "new" view shows the next 50."""
    with app.app_context():
        db.session.execute(
            update(Alert).where(Alert.id.in_(alert_ids)).values(status=AlertStatus.CLOSED)
        )
        db.session.commit()


class Watch:
    """Everything a payload that ran would leave behind in the page."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.probes: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", self._request)

    def _request(self, request) -> None:
        if "xss-probe" in request.url or request.url.endswith("/admin/logout"):
            self.probes.append(request.url)

    def assert_nothing_ran(self, page) -> None:
        """No dialog, no request a payload makes, no flag a payload sets."""
        assert self.dialogs == [] and self.probes == []
        assert page.evaluate("typeof window.__xss") == "undefined"


def shown_as_text(page, selector: str, payloads: list[str]) -> None:
    """Each payload appears, as text, in the elements the selector finds."""
    texts = page.locator(selector).all_text_contents()
    missing = [p for p in payloads if not any(p in text for text in texts)]
    assert missing == []


def test_hostile_words_are_shown_as_text_in_the_inbox_and_on_case_pages(
    app, demo, live_server, page
):
    cases = list(zip(store_complaints(app, demo, PAYLOADS), PAYLOADS, strict=True))
    watch = Watch(page)
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("E-mail").fill(demo.owner_email)
    page.get_by_label("Password").fill(demo.owner_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    newest_first = cases[::-1]
    for start in range(0, len(newest_first), BATCH):
        batch = newest_first[start : start + BATCH]
        page.goto(f"{live_server}/admin/?status=new")
        expect(page.locator("#inbox-list [data-alert-id]")).to_have_count(BATCH)
        shown_as_text(page, "#inbox-list blockquote.words", [p for _id, p in batch])
        watch.assert_nothing_ran(page)
        close_cases(app, [alert_id for alert_id, _p in batch])
    for alert_id, payload in (cases[i] for i in CASE_PAGES):
        page.goto(f"{live_server}/admin/alerts/{alert_id}", wait_until="domcontentloaded")
        shown_as_text(page, "blockquote.words", [payload])
        shown_as_text(page, ".contact-card dd", [name_for(payload)])
    watch.assert_nothing_ran(page)
