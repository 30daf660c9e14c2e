"""A dead receipt code in a real Chromium on an Armenian and a Persian phone (390 x 844): the
shop, in the phone's language and direction, and the poster link that still opens its survey."""

from datetime import timedelta

import pytest

from surveys.db import db
from surveys.models import Location, utcnow
from tests.browser.conftest import PHONE, phone_page
from tests.browser.test_customer_language import translated
from tests.kiosk.link_helpers import demo_poster_code, mint

expect = pytest.importorskip("playwright.sync_api").expect


PHONES = {"hy": ("hy-AM", "ltr"), "fa": ("fa-IR", "rtl")}


@pytest.fixture(params=sorted(PHONES))
def phone_language(request) -> str:
    return request.param


@pytest.fixture
def local_phone(browser, browser_problems, phone_language):
    """A phone whose browser asks for Armenian or Persian."""
    yield from phone_page(
        browser, browser_problems, PHONES[phone_language][0], device_scale_factor=2
    )


def test_an_expired_receipt_leads_the_phone_to_the_shops_poster(
    app, demo, live_server, local_phone, phone_language, browser_problems, axe
):
    code = mint(app, demo, issued_at=utcnow() - timedelta(days=29))
    with app.app_context():
        db.session.get(Location, demo.location_id).receipt_valid_days = 7
        db.session.commit()
    browser_problems.allow("status of 410")
    phone, language = local_phone, phone_language
    phone.goto(f"{live_server}/r/{code}")
    expect(phone.locator("html")).to_have_attribute("dir", PHONES[language][1])
    expect(phone.locator("h1")).to_have_text(translated(app, language, "This code has expired."))
    expect(phone.locator(".link-shop")).to_have_text("Demo shop")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe(phone) == []
    link = phone.locator(".code-invalid a.button")
    expect(link).to_have_text(translated(app, language, "Give your feedback"))
    box = link.bounding_box()
    assert box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    link.tap()
    expect(phone).to_have_url(f"{live_server}/p/{demo_poster_code(app, demo)}")
    expect(phone.locator("button[name=rating]")).to_have_count(5)
    expect(phone.locator("html")).to_have_attribute("lang", language)
