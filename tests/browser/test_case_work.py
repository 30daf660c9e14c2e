"""Case work on a phone, as a manager clicks it: a note, two remedies with their sum in
the shop's currency, the apology sent once and then only "again", the coupon printed in the
customer's language on A6 or 80 mm paper; the case page never scrolls sideways at 390 px."""

import re

import pytest

from surveys.db import db
from surveys.models import Alert, Location
from tests.browser.conftest import phone_page
from tests.case_factories import make_alert

expect = pytest.importorskip("playwright.sync_api").expect

# PDF points (1/72 inch) of the two papers' widths: A6 is 105 mm, the receipt roll 80 mm.
A6_WIDTH_PT = 105 / 25.4 * 72
RECEIPT_WIDTH_PT = 80 / 25.4 * 72


@pytest.fixture
def phone(browser, browser_problems):
    yield from phone_page(browser, browser_problems, "en-US")


@pytest.fixture
def case_id(app, demo) -> int:
    """A sad answer at the demo shop from a customer who left an e-mail and speaks Albanian."""
    with app.app_context():
        shop = db.session.get(Location, demo.location_id)
        shop.languages = ["en", "sq"]
        alert = make_alert(shop, words="Cold soup", email="ani@example.com", language="sq")
        db.session.commit()
        return alert.id


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(-6)"""


def no_sideways_scroll(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, tab.evaluate(WIDEST)


def page_width_pt(pdf: bytes) -> float:
    """The width of the first page of a PDF, in points."""
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return float(box.group(1))


def test_a_manager_works_a_case_on_a_phone(app, demo, live_server, phone, case_id):
    phone.goto(f"{live_server}/admin/login")
    phone.get_by_label("E-mail").fill(demo.owner_email)
    phone.get_by_label("Password").fill(demo.owner_password)
    phone.get_by_role("button", name="Sign in").click()
    phone.goto(f"{live_server}/admin/alerts/{case_id}")
    no_sideways_scroll(phone)

    phone.get_by_label("A note for the timeline").fill("Called her, no answer yet.")
    phone.get_by_role("button", name="Add the note").click()
    expect(phone.get_by_role("status")).to_have_text("The note is on the timeline.")
    expect(phone.locator(".timeline li").last).to_contain_text("Called her, no answer yet.")
    expect(phone.locator(".timeline li").last).to_contain_text(demo.owner_email)

    phone.get_by_role("button", name="I'm on it").click()
    expect(phone.locator("#case-status")).to_have_text("Acknowledged")
    phone.locator(".resolve").get_by_label("Refund", exact=True).check()
    phone.locator("#resolve-amount").fill("4.50")
    phone.get_by_role("button", name="Record what was done").click()
    expect(phone.locator("#case-status")).to_have_text("Resolved")
    phone.locator(".add-remedy").get_by_label("Coupon", exact=True).check()
    phone.locator("#more-amount").fill("5")
    phone.get_by_role("button", name="Add this remedy").click()
    expect(phone.get_by_role("status")).to_have_text(
        "The remedy is added; the coupon is ready to print."
    )
    expect(phone.locator(".remedy-total")).to_have_text("In all: €9.50")
    no_sideways_scroll(phone)

    draft = phone.locator("#apology-text")
    expect(draft).to_have_attribute("lang", "sq")
    assert "Demo shop" in draft.input_value() and "Thank you" not in draft.input_value()
    draft.fill("Na vjen shumë keq për supën.")
    phone.get_by_role("button", name="E-mail the customer an apology with the coupon").click()
    expect(phone.get_by_role("status")).to_have_text("The apology is on its way to the customer.")
    expect(phone.get_by_role("button", name="Send again")).to_be_visible()
    phone.get_by_role("button", name="Send again").click()  # the box is not ticked: nothing
    assert phone.locator("input[name=again]").evaluate("box => box.validity.valueMissing")
    with app.app_context():
        assert db.session.get(Alert, case_id).apologies_sent == 1
    no_sideways_scroll(phone)

    coupon_link = phone.get_by_role("link", name=re.compile("^Print coupon "))
    coupon_link.click()
    coupon = phone.locator("article.coupon")
    expect(coupon).to_have_attribute("lang", "sq")
    expect(coupon).to_contain_text("5,00\u00a0€")
    no_sideways_scroll(phone)
    phone.emulate_media(media="print")
    assert page_width_pt(phone.pdf(prefer_css_page_size=True)) == pytest.approx(A6_WIDTH_PT, abs=1)
    phone.emulate_media(media="screen")
    phone.get_by_label("80 mm receipt roll").check()
    phone.get_by_role("button", name="Show for this paper").click()
    expect(phone.get_by_label("80 mm receipt roll")).to_be_checked()
    receipt = phone.pdf(prefer_css_page_size=True)
    assert page_width_pt(receipt) == pytest.approx(RECEIPT_WIDTH_PT, abs=1)
