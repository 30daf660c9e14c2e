"""A crawl in a real Chromium under the app's own CSP: every page the owner reaches by a
same-origin link from the admin, then the kiosk, a receipt link and a poster link of the demo.
No page may fail, and no CSP violation or console error may happen on any of them (the
`page` fixture fails the test at teardown on either)."""

import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.demo.shops import set_up_demo
from surveys.models import Survey, User

expect = pytest.importorskip("playwright.sync_api").expect

# Past a few, pages of one kind (another alert, another user) add nothing but time.
PER_KIND = 3
MAX_PAGES = 120
FILES = (".csv", ".pdf", ".png", ".svg", ".zip", ".json")
LINKS = "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"


@pytest.fixture
def demo_with_cases(app):
    """The whole demo, sample cases included, as `flask demo` sets it up."""
    with app.app_context():
        setup = set_up_demo(sample_cases=True)
        # As if the owner had chosen this password at first sign-in.
        db.session.scalars(
            select(User).filter_by(email=setup.owner_email)
        ).one().must_change_password = False
        db.session.commit()
        return setup


def kind_of(url: str) -> str:
    """What a page is: its path with every number as N, and the names of its query."""
    parts = urlsplit(url)
    names = sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(names)


def crawl(page, origin: str, starts: list[str], check=None) -> list[str]:
    """Open every kind of admin page reachable by links from start; the addresses opened.
    `check(url)` runs on each page once it is open.

    Links out of the admin (the survey preview's kiosk language links) are left out: this
    browser is no paired tablet. The kiosk and the links get their own test below."""
    queue, kinds, opened = list(starts), Counter(), []
    while queue and len(opened) < MAX_PAGES:
        url = queue.pop(0)
        if url in opened or kinds[kind_of(url)] >= PER_KIND:
            continue
        kinds[kind_of(url)] += 1
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        opened.append(url)
        if check:
            check(url)
        for href in page.eval_on_selector_all("a[href]", LINKS):
            target = urldefrag(href).url
            if target.startswith(origin + "/admin/") and not target.endswith(FILES):
                queue.append(target)
    return opened


def report_header_warnings(page, problems) -> None:
    """Chromium only warns about a Permissions-Policy feature it does not know: count it."""

    def check(message):
        if "Permissions-Policy" in message.text:
            problems.add(f"console {message.type}: {message.text}")

    page.on("console", check)


def sign_in(page, live_server: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()


def test_no_page_of_the_admin_breaks_the_csp_or_logs_an_error(
    app, page, browser_problems, live_server, demo_with_cases
):
    report_header_warnings(page, browser_problems)
    sign_in(page, live_server, demo_with_cases.owner_email, demo_with_cases.owner_password)
    location = demo_with_cases.location_id
    # The menu, then the pages that a GET form or the demo's printout opens, not a link.
    with app.app_context():
        survey = db.session.scalar(select(Survey.id))
    starts = ["/admin/", f"/admin/locations/{location}/poster", "/admin/?status=closed"]
    starts.append(f"/admin/surveys/{survey}/preview?after=1")
    opened = crawl(page, live_server, [live_server + path for path in starts])
    paths = {urlsplit(url).path for url in opened}
    for section in ("/admin/", "/admin/users/", "/admin/locations/", "/admin/audit/"):
        assert section in paths
    assert any(re.fullmatch(r"/admin/alerts/\d+", path) for path in paths), paths
    assert len(opened) >= 20, "\n".join(opened)


def test_every_admin_page_fits_a_phone_without_sideways_scrolling(
    app, english_phone, live_server, demo_with_cases
):
    page = english_phone
    sign_in(page, live_server, demo_with_cases.owner_email, demo_with_cases.owner_password)
    too_wide = {}

    def measure(url: str) -> None:
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            too_wide[urlsplit(url).path + "?" + urlsplit(url).query] = width

    with app.app_context():
        survey = db.session.scalar(select(Survey.id))
    location = demo_with_cases.location_id
    starts = ["/admin/", f"/admin/locations/{location}/poster", "/admin/?status=closed"]
    starts.append(f"/admin/surveys/{survey}/preview?after=1")
    opened = crawl(page, live_server, [live_server + path for path in starts], measure)
    assert len(opened) >= 20
    assert too_wide == {}, "\n".join(f"{path}: {width}" for path, width in too_wide.items())


def test_the_kiosk_and_the_customers_links_keep_to_the_csp(
    page, browser_problems, live_server, demo_with_cases
):
    report_header_warnings(page, browser_problems)
    page.goto(f"{live_server}/kiosk/pair/{demo_with_cases.pairing_code}")
    page.get_by_role("button", name="Use this tablet").click()
    expect(page.locator("button[name=rating]")).to_have_count(5)
    page.locator("button[name=rating][value='1']").click()  # htmx swaps the follow-up in
    expect(page.locator("form.follow-up")).to_be_visible()
    page.locator("form.follow-up button[type=submit]").click()  # and then the thank-you
    expect(page.locator("form.follow-up")).to_have_count(0)
    for path in (f"/r/{demo_with_cases.receipt_code}", f"/p/{demo_with_cases.poster_code}"):
        response = page.goto(f"{live_server}{path}")
        assert response.ok, path
        expect(page.locator("button[name=rating]")).to_have_count(5)
