"""The same rules on every channel, in the customer's language: a question waiting on an
answer stays hidden on the phone, an NPS promoter on a poster gets the box for their words,
an unhappy tap offline is met with an apology, and a wrong PIN is told in the tablet's
language. Armenian and Persian (right to left), in browsers set to English."""

import pytest

from surveys.db import db
from surveys.models import Location
from surveys.places.kiosk_exit import set_exit_pin
from tests.browser.test_customer_language import translated
from tests.browser.test_follow_up_steps import current_step, next_button
from tests.browser.test_kiosk import face, pair
from tests.browser.test_offline import OFFLINE_NOISE, wait_until_offline_ready
from tests.kiosk.link_helpers import demo_poster_code, mint
from tests.kiosk.test_next_screen_http import show_everywhere

expect = pytest.importorskip("playwright.sync_api").expect

LANGUAGE_LINKS = {"hy": "Հայերեն", "fa": "فارسی"}
SORRY = "We are sorry to hear that."
LITTLE_MORE = "Thank you! A little more, if you like."


def choose_language(page, language: str, tap: bool = False) -> None:
    """One tap on the language's own name; the page comes back in it."""
    link = page.get_by_role("link", name=LANGUAGE_LINKS[language])
    link.tap() if tap else link.click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")


def chip(page, value: str):
    """A topic chip of the step on screen."""
    return current_step(page).locator("label.chip").filter(has=page.locator(f"[value={value}]"))


@pytest.mark.parametrize("language", ["hy", "fa"])
def test_a_question_waiting_on_an_answer_stays_hidden_on_a_receipt(
    app, demo, live_server, english_phone, language
):
    """Restaurant survey on a receipt: the food question waits until "Food" is chosen."""
    ids = show_everywhere(app, demo, "restaurant")["ids"]
    phone = english_phone
    phone.goto(f"{live_server}/r/{mint(app, demo)}")
    choose_language(phone, language, tap=True)
    phone.locator("button[name=rating][value='1']").tap()
    expect(phone.locator("form.follow-up h1")).to_have_text(translated(app, language, SORRY))
    food = phone.locator(f"input[name=q{ids['food']}]")
    expect(food.first).to_be_hidden()
    chip(phone, "food").tap()
    expect(phone.locator(f"input[name=q{ids['topics']}][value=food]")).to_be_checked()
    next_button(phone).tap()
    expect(food.first).to_be_visible()


@pytest.mark.parametrize("language", ["hy", "fa"])
def test_an_nps_promoter_on_a_poster_gets_the_box_for_their_words(
    app, demo, live_server, english_phone, language
):
    ids = show_everywhere(app, demo, "nps")["ids"]
    phone = english_phone
    phone.goto(f"{live_server}/p/{demo_poster_code(app, demo)}")
    choose_language(phone, language, tap=True)
    phone.locator("button[name=rating][value='10']").tap()
    expect(phone.locator("form.follow-up h1")).to_have_text(translated(app, language, LITTLE_MORE))
    expect(phone.locator(f"#q{ids['liked']}")).to_be_visible()


@pytest.mark.parametrize("language", ["hy", "fa"])
def test_an_unhappy_tap_offline_is_met_with_an_apology(
    app, demo, live_server, page, browser_problems, language
):
    for noise in OFFLINE_NOISE:
        browser_problems.allow(noise)
    pair(page, live_server, demo.pairing_code)
    choose_language(page, language)
    wait_until_offline_ready(page)
    page.context.set_offline(True)
    face(page, 1).click()
    expect(page.locator("form.follow-up h1")).to_have_text(translated(app, language, SORRY))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.context.set_offline(False)


@pytest.mark.parametrize("language", ["hy", "fa"])
def test_a_wrong_pin_is_told_in_the_tablets_language(
    app, demo, live_server, page, browser_problems, language
):
    browser_problems.allow("status of 422")
    with app.app_context():
        set_exit_pin(db.session.get(Location, demo.location_id), "2468")
        db.session.commit()
    pair(page, live_server, demo.pairing_code)
    choose_language(page, language)
    corner = page.locator(".kiosk-exit-corner").bounding_box()  # top right in Persian
    page.mouse.move(corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2)
    page.mouse.down()
    dialog = page.locator("#kiosk-exit")
    expect(dialog).to_be_visible()  # opens while the corner is still held
    page.mouse.up()
    for digit in "1111":
        dialog.locator(f"button[data-digit='{digit}']").click()
    dialog.locator("button[type=submit]").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        translated(app, language, "That PIN is not right.")
    )
