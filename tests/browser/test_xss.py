"""200 hostile payloads as complaint words and as the customer's name, stored by the capture
service as a kiosk stores them, then read by the owner in a real Chromium, in one signed-in
page: all 200 in the inbox (50 alerts a view) and in the dashboard's latest comments (one
day of 20 a view), every vector on a case page, and all 200 in the CSV the export page's
button downloads. No dialog opens, no payload's script runs or asks for anything, the
app's CSP sees no violation (the page fixture fails on any), each payload is shown as the
text the customer typed, and the CSV holds it as text, a spreadsheet formula neutralised.
"""

import csv
import io
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from surveys.capture.responses import Tap, record_follow_up, record_tap
from surveys.db import db
from surveys.models import Alert, AlertStatus, Location, Response
from surveys.places.devices import device_for_pairing_code, pair_device
from surveys.reporting.metrics import rebuild_rollups
from tests.browser.xss_payloads import PAYLOADS

expect = pytest.importorskip("playwright.sync_api").expect

BATCH = 50  # the inbox shows the newest 50 alerts
PER_DAY = 20  # the dashboard shows the latest 20 comments: one day's complaints a view
VECTORS = len(PAYLOADS) // 4  # each vector comes in four contexts
# Case pages, one per vector (its context rotating), so the test stays well under a minute:
# with the customer's name they show 100 of the payloads; the inbox shows all 200.
CASE_PAGES = [v + VECTORS * (v % 4) for v in range(VECTORS)]
# What a spreadsheet would run as a formula (OWASP "CSV Injection"): the export prefixes '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def spread_over_days(app, demo, alert_ids: list[int]) -> list[str]:
    """Move the complaints to the last days, 20 a day at local noon, oldest first, as if
    the shop had heard them over ten days; returns the days, as the dashboard names them."""
    with app.app_context():
        zone = ZoneInfo(db.session.get(Location, demo.location_id).timezone)
        today = datetime.now(zone).date()
        days = len(alert_ids) // PER_DAY
        dates = [today - timedelta(days=days - k) for k in range(days)]
        for index, alert_id in enumerate(alert_ids):
            noon = datetime.combine(dates[index // PER_DAY], time(12), zone)
            at = (noon + timedelta(seconds=index % PER_DAY)).astimezone(UTC).replace(tzinfo=None)
            response_id = select(Alert.response_id).where(Alert.id == alert_id).scalar_subquery()
            db.session.execute(
                update(Response).where(Response.id == response_id).values(captured_at=at)
            )
        rebuild_rollups([demo.location_id])  # the times were changed behind capture's back
        db.session.commit()
        return [day.isoformat() for day in dates]


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


def sign_in_as_owner(page, live_server: str, demo) -> None:
    """Sign in through the login form as the demo's owner."""
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("E-mail").fill(demo.owner_email)
    page.get_by_label("Password").fill(demo.owner_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()


def read_the_inbox(app, page, live_server: str, watch: Watch, cases: list) -> None:
    """All the cases in the inbox's "new" view, 50 at a time, newest first."""
    newest_first = cases[::-1]
    for start in range(0, len(newest_first), BATCH):
        batch = newest_first[start : start + BATCH]
        page.goto(f"{live_server}/admin/?status=new")
        expect(page.locator("#inbox-list [data-alert-id]")).to_have_count(BATCH)
        shown_as_text(page, "#inbox-list blockquote.words", [p for _id, p in batch])
        watch.assert_nothing_ran(page)
        close_cases(app, [alert_id for alert_id, _p in batch])


def read_case_pages(page, live_server: str, cases: list) -> None:
    """A case page per vector: the words and the customer's name."""
    for alert_id, payload in (cases[i] for i in CASE_PAGES):
        page.goto(f"{live_server}/admin/alerts/{alert_id}", wait_until="domcontentloaded")
        shown_as_text(page, "blockquote.words", [payload])
        shown_as_text(page, ".contact-card dd", [name_for(payload)])


def read_the_dashboard(page, live_server: str, watch: Watch, days: list[str]) -> None:
    """The dashboard's latest comments, one day a view: that day's 20 payloads."""
    for index, day in enumerate(days):
        query = f"period=custom&first={day}&last={day}"
        page.goto(f"{live_server}/admin/dashboard/?{query}")
        expect(page.locator("#comment-list blockquote.words")).to_have_count(PER_DAY)
        day_payloads = PAYLOADS[index * PER_DAY : (index + 1) * PER_DAY]
        shown_as_text(page, "#comment-list blockquote.words", day_payloads)
        watch.assert_nothing_ran(page)


def download_the_csv(page, live_server: str) -> tuple[dict, list[dict]]:
    """The export page's button: the download's response headers and the file's rows."""
    page.goto(f"{live_server}/admin/exports", wait_until="domcontentloaded")
    headers = {}
    page.on("response", lambda r: "responses.csv" in r.url and headers.update(r.headers))
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download CSV").click()
    body = waiting.value.path().read_bytes()
    return headers, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def as_exported(payload: str) -> str:
    """The cell a payload must become: itself, a formula's start neutralised with '."""
    return "'" + payload if payload.startswith(FORMULA_STARTS) else payload


def test_hostile_words_are_text_in_the_inbox_case_pages_dashboard_and_csv(
    app, demo, live_server, page
):
    alert_ids = store_complaints(app, demo, PAYLOADS)
    days = spread_over_days(app, demo, alert_ids)
    cases = list(zip(alert_ids, PAYLOADS, strict=True))
    watch = Watch(page)
    sign_in_as_owner(page, live_server, demo)
    read_the_inbox(app, page, live_server, watch, cases)
    read_case_pages(page, live_server, cases)
    watch.assert_nothing_ran(page)
    read_the_dashboard(page, live_server, watch, days)

    headers, rows = download_the_csv(page, live_server)
    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["x-content-type-options"] == "nosniff"
    assert sorted(row["customer_words"] for row in rows) == sorted(map(as_exported, PAYLOADS))
    assert any(as_exported(p) != p for p in PAYLOADS)  # formulas were there to neutralise
    watch.assert_nothing_ran(page)
