"""The customer's language in a real Chromium whose own language is English: an Armenian
customer on the tablet and a Persian one on a phone keep theirs through a refused
follow-up and its thanks."""

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from surveys.capture.answers import CONSENT_TEXT
from surveys.db import db
from surveys.models import Customer
from tests.browser.test_kiosk import face, next_step, pair
from tests.kiosk.link_helpers import mint

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def english_tablet(demo, live_server, page):
    """The demo kiosk paired in a browser set to English."""
    pair(page, live_server, demo.pairing_code)
    return page


def translated(app, language: str, message) -> str:
    """A catalog message as a page in that language shows it."""
    with app.app_context(), force_locale(language):
        return _(message) if isinstance(message, str) else str(message)


def stored_consent(app) -> str:
    with app.app_context():
        return db.session.scalars(select(Customer)).one().consent_text


def refuse_then_send(page, app, demo, language: str, form: str) -> None:
    """A bad e-mail address is refused in the language, then the fixed one is thanked."""
    contact = f"q{demo.question_ids['contact']}"
    for _skipped in range(len(demo.question_ids)):  # the contact step is the last one
        if page.locator(f"#{contact}-name").is_visible():
            break
        next_step(page)
    page.locator(f"#{contact}-name").fill("Ani")
    page.locator(f"#{contact}-email").fill("not an address")
    page.locator(f"input[name={contact}-consent]").check()
    page.locator(f"{form} button[type=submit]").click()
    expect(page.locator(f"#{contact}-email-error")).to_have_text(
        translated(app, language, "Please check the e-mail address.")
    )
    expect(page.locator(".form-error")).to_have_text(
        translated(app, language, "Please check the marked answers.")
    )
    page.locator(f"#{contact}-email").fill("ani@example.org")
    page.locator(f"{form} button[type=submit]").click()
    expect(page.locator(".thanks h1")).to_have_text(translated(app, language, "Thank you!"))
    assert stored_consent(app) == translated(app, language, CONSENT_TEXT)


def test_an_armenian_customer_stays_armenian_on_an_english_tablet(
    app, demo, english_tablet, browser_problems
):
    page = english_tablet
    browser_problems.allow("status of 422")
    page.get_by_role("link", name="Հայերեն").click()
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    face(page, 1).click()
    expect(page.locator("form.follow-up h1")).to_have_text(
        translated(app, "hy", "We are sorry to hear that.")
    )
    refuse_then_send(page, app, demo, "hy", "form.follow-up")
    expect(page.locator("html")).to_have_attribute("lang", "hy")


def test_a_persian_customer_stays_persian_on_an_english_phone(
    app, demo, live_server, english_phone, browser_problems
):
    phone = english_phone
    browser_problems.allow("status of 422")
    phone.goto(f"{live_server}/r/{mint(app, demo)}")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="فارسی").tap()
    expect(phone.locator("html")).to_have_attribute("lang", "fa")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    phone.locator("button[name=rating][value='1']").tap()
    expect(phone.locator("form.follow-up h1")).to_have_text(
        translated(app, "fa", "We are sorry to hear that.")
    )
    refuse_then_send(phone, app, demo, "fa", "form.follow-up")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
