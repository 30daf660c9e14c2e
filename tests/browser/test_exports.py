"""The export page in a real Chromium: no accessibility violation, and its button downloads
a CSV that holds the hostile words as text."""

import csv
import io

import pytest

from surveys.db import db
from surveys.models import Location
from tests.browser.test_admin_screens import sign_in
from tests.case_factories import make_alert

expect = pytest.importorskip("playwright.sync_api").expect


def test_the_export_button_downloads_the_csv(app, page, axe, live_server, shops):
    with app.app_context():
        make_alert(db.session.get(Location, shops.a), words='=HYPERLINK("x") <script>1</script>')
        db.session.commit()
    sign_in(page, live_server, "manager.a@shops.example")
    page.get_by_role("link", name="Export").click()
    expect(page.get_by_role("heading", name="Export responses")).to_be_visible()
    assert axe(page) == []
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download CSV").click()
    download = waiting.value
    assert download.suggested_filename.startswith("responses-")
    body = download.path().read_bytes()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row["customer_words"] for row in rows] == ['\'=HYPERLINK("x") <script>1</script>']
