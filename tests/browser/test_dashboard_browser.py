"""The dashboard in a real Chromium under the strict CSP: Chart.js draws every chart, a
period change swaps the dashboard through htmx without reloading the page, and axe-core
finds nothing, in English and in Persian (right to left)."""

import re
from datetime import timedelta

import pytest

from surveys.db import db
from surveys.models import Alert, Location, Outcome, Remedy, Staff, Survey, User, utcnow
from surveys.reporting.metrics import rebuild_rollups
from tests.browser.conftest import TABLET, watched_page
from tests.browser.test_admin_screens import sign_in
from tests.conftest import KNOWN_PASSWORD
from tests.metrics_factories import respond

expect = pytest.importorskip("playwright.sync_api").expect

# Every chart's canvas has a Chart.js chart with bars, and pixels that are not transparent.
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map((c) => {
  const chart = Chart.getChart(c);
  const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
  const bars = chart ? chart.getDatasetMeta(0).data.length : 0;
  return {id: c.dataset.chart, bars: bars, painted: painted};
})"""


@pytest.fixture
def recent_answers(app, shops):
    """Answers of the last days at both shops, older ones three weeks ago, a closed case."""
    with app.app_context():
        survey = db.session.get(Survey, shops.survey_a)
        shop_a, shop_b = db.session.get(Location, shops.a), db.session.get(Location, shops.b)
        arben = db.session.get(Staff, shops.staff_member_a)
        now = utcnow() - timedelta(hours=1)
        for hours, rating in enumerate([5, 5, 4, 2]):
            respond(shop_a, survey, now - timedelta(hours=hours), rating, staff=arben, praised=True)
        respond(shop_a, survey, now, 1, topics=("waiting",), words="The queue was long")
        respond(shop_b, survey, now, 4)
        for days in (20, 21):
            respond(shop_a, survey, now - timedelta(days=days), 3)
        case = db.session.query(Alert).filter_by(location_id=shop_a.id).first()
        owner = db.session.get(User, shops.owner)
        case.acknowledge(by=owner)
        case.resolve(by=owner, remedy=Remedy.APOLOGY)
        case.close(by=owner, outcome=Outcome.WON_BACK)
        db.session.commit()
        rebuild_rollups()  # the rows were stored behind the capture service's back
        db.session.commit()


def assert_charts_drawn(page) -> None:
    """Every chart on the page is drawn, with bars."""
    charts = page.evaluate(CHARTS_DRAWN)
    assert {chart["id"] for chart in charts} >= {
        "chart-by-location-data",
        "chart-by-staff-data",
        "chart-by-topic-data",
        "chart-outcomes-data",
    }
    for chart in charts:
        assert chart["bars"] > 0 and chart["painted"] > 0, chart


def test_the_dashboard_draws_its_charts_and_a_period_change_swaps_it(
    page, axe, live_server, recent_answers
):
    sign_in(page, live_server, "owner@shops.example")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    responses = page.locator('[data-figure="responses"] .figure-value')
    expect(responses).to_have_text("6")
    assert_charts_drawn(page)
    assert axe(page) == []

    page.evaluate("window.__samePage = true")  # gone if the browser loads a new page
    page.get_by_label("Period").select_option("30d")
    expect(responses).to_have_text("8")
    expect(page).to_have_url(re.compile(r"/admin/dashboard/\?location=&period=30d&"))
    assert page.evaluate("window.__samePage === true")
    assert_charts_drawn(page)
    expect(page.get_by_label("First day")).not_to_have_value("")


def test_a_period_refused_shows_its_reason_in_the_form(
    page, axe, browser_problems, live_server, recent_answers
):
    browser_problems.allow("status of 422")  # the refused period, on purpose
    sign_in(page, live_server, "manager.a@shops.example")
    page.goto(f"{live_server}/admin/dashboard/")
    page.get_by_label("First day").fill("2026-03-10")
    page.get_by_label("Last day").fill("2026-03-01")
    expect(page.get_by_label("Period")).to_have_value("custom")
    page.get_by_role("button", name="Show").first.click()
    expect(page.get_by_role("alert")).to_contain_text("must not be before the first")
    expect(page.get_by_label("Last day")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []


def test_the_comments_filter_swaps_only_the_list(page, live_server, recent_answers):
    sign_in(page, live_server, "owner@shops.example")
    page.goto(f"{live_server}/admin/dashboard/")
    comments = page.locator("#comment-list")
    expect(comments).to_contain_text("The queue was long")
    page.get_by_label("Rating", exact=True).select_option("5")
    expect(comments).to_contain_text("No comments match")
    page.get_by_label("Rating", exact=True).select_option("1")
    expect(comments).to_contain_text("The queue was long")


@pytest.fixture
def persian_page(browser, browser_problems, live_server):
    """A tablet-sized page whose browser asks for Persian."""
    yield from watched_page(browser, browser_problems, viewport=TABLET, locale="fa")


def test_the_dashboard_reads_right_to_left_in_persian(
    persian_page, axe, live_server, recent_answers
):
    page = persian_page
    page.goto(f"{live_server}/admin/login")
    page.locator("#email").fill("owner@shops.example")
    page.locator("#password").fill(KNOWN_PASSWORD)
    page.locator("button[type=submit]").click()
    page.goto(f"{live_server}/admin/dashboard/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_charts_drawn(page)
    # Bars grow from the right: the category axis is reversed.
    by_location = "document.querySelector('[data-chart=chart-by-location-data]')"
    assert page.evaluate(f"Chart.getChart({by_location}).scales.x.options.reverse")
    assert axe(page) == []
