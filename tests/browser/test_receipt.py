"""Receipt and poster links in a real Chromium at phone size (390 x 844), with axe-core."""

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from surveys.db import db
from surveys.models import Channel, FollowUp, Response
from tests.browser.conftest import PHONE, phone_page
from tests.kiosk.link_helpers import demo_poster_code, mint

expect = pytest.importorskip("playwright.sync_api").expect

DEVANAGARI = re.compile("[\u0900-\u097f]")
HINDI_COMMENT = "लाइन बहुत लंबी थी और किसी ने मदद नहीं की।"


@pytest.fixture
def phone(browser, browser_problems):
    """A phone-sized touch browser whose owner reads Hindi; fails on any browser problem."""
    yield from phone_page(browser, browser_problems, "hi-IN", device_scale_factor=2)


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: the page needs no horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def in_hindi(app, message: str) -> str:
    """A catalog message as the Hindi page shows it."""
    with app.app_context(), force_locale("hi"):
        return _(message)


def test_a_hindi_customer_answers_a_receipt_once(app, demo, live_server, phone, axe):
    """Open the receipt in Hindi, the sad path, the thanks; the same link again is answered."""
    code = mint(app, demo, number=4711)
    found = {}
    phone.goto(f"{live_server}/r/{code}")
    expect(phone.locator("html")).to_have_attribute("lang", "hi")
    expect(phone.locator("button[name=rating]")).to_have_count(5)
    assert DEVANAGARI.search(phone.locator("h1").inner_text())
    assert fits_the_screen(phone)
    found["start"] = axe(phone)

    phone.locator("button[name=rating][value='1']").tap()
    expect(phone.locator("form.follow-up")).to_be_visible()
    expect(phone.locator("form.follow-up h1")).to_be_focused()
    assert fits_the_screen(phone)
    found["follow-up"] = axe(phone)
    questions = demo.question_ids
    phone.locator(f"input[name=q{questions['topics']}][value=waiting]").check()
    phone.locator("form.follow-up [data-step-next]").tap()
    phone.locator(f"#q{questions['comment']}").fill(HINDI_COMMENT)
    phone.locator("form.follow-up button[type=submit]").tap()

    expect(phone.locator(".thanks")).to_be_visible()
    expect(phone.locator(".manager-coming")).to_have_count(0)
    found["thanks"] = axe(phone)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert (response.channel, response.receipt_number) == (Channel.RECEIPT, 4711)
        assert (response.language, response.rating) == ("hi", 1)
        assert response.follow_up == FollowUp.GIVEN
        assert [a.text for a in response.answers if a.text] == [HINDI_COMMENT]

    phone.goto(f"{live_server}/r/{code}")
    expect(phone.locator(".already-answered h1")).to_have_text(
        in_hindi(app, "You already told us, thank you.")
    )
    expect(phone.locator("html")).to_have_attribute("lang", "hi")
    expect(phone.locator("button[name=rating]")).to_have_count(0)
    found["already answered"] = axe(phone)
    assert {screen: v for screen, v in found.items() if v} == {}


def test_a_hindi_customer_switches_language_with_one_tap(app, demo, live_server, phone):
    """The language switch is one tap away and keeps the customer on their receipt."""
    code = mint(app, demo)
    phone.goto(f"{live_server}/r/{code}")
    phone.get_by_role("link", name="English").tap()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1")).to_have_text("How was your visit today?")
    assert phone.url == f"{live_server}/r/{code}?lang=en"


def test_refused_codes_are_friendly_pages(app, demo, live_server, phone, axe, browser_problems):
    """A changed code says it does not work, in the phone's language, and passes axe-core."""
    browser_problems.allow("status of 404")
    code = mint(app, demo)
    phone.goto(f"{live_server}/r/{code[:-2]}xx")
    expect(phone.locator(".code-invalid h1")).to_have_text(
        in_hindi(app, "This code does not work.")
    )
    assert axe(phone) == []


def sign_in(page, live_server, demo) -> None:
    """Sign in to the admin as the demo owner."""
    page.goto(f"{live_server}/admin/login")
    page.locator("input[name=email]").fill(demo.owner_email)
    page.locator("input[name=password]").fill(demo.owner_password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/admin/")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The width and height in points of every page of a PDF Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(width), float(height)) for width, height in boxes]


@pytest.mark.parametrize(("size", "points"), [("a4", (595, 842)), ("a6", (298, 420))])
def test_the_poster_passes_axe_and_prints_on_one_sheet(live_server, demo, page, axe, size, points):
    """The printable poster and table tent pass axe-core and print on one page of their size."""
    sign_in(page, live_server, demo)
    page.goto(f"{live_server}/admin/locations/{demo.location_id}/poster?format={size}")
    expect(page.locator("img.poster-qr")).to_be_visible()
    assert page.locator("img.poster-qr").evaluate("img => img.naturalWidth") > 0
    assert axe(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".poster-tools")).to_be_hidden()
    poster = page.locator("article.poster")
    assert poster.evaluate("sheet => sheet.scrollHeight <= sheet.clientHeight")  # none cut off
    pages = pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert [(round(w), round(h)) for w, h in pages] == [points]


def test_the_poster_link_opens_the_survey_on_a_phone(app, demo, live_server, phone, axe):
    """The poster's link on a phone: the survey in Hindi, laid out for the phone, no violations."""
    phone.goto(f"{live_server}/p/{demo_poster_code(app, demo)}")
    expect(phone.locator("html")).to_have_attribute("lang", "hi")
    expect(phone.locator("button[name=rating]")).to_have_count(5)
    assert fits_the_screen(phone)
    assert axe(phone) == []
