"""The survey editor in a real Chromium: build a survey with a conditional question, preview
it right-to-left on a phone, answer it on the kiosk; axe-core on the editor and preview."""

import pytest

from tests.browser.test_kiosk import (
    configure_location,
    expect_start_screen,
    face,
    pair,
    stored_responses,
)

expect = pytest.importorskip("playwright.sync_api").expect

PERSIAN_QUESTION = "چه کاری را بهتر انجام دهیم؟"
PERSIAN_ANSWER = "صف خیلی طولانی بود."


def sign_in(page, live_server, demo) -> None:
    """Sign in as the demo owner."""
    page.goto(f"{live_server}/admin/login")
    page.locator("#email").fill(demo.owner_email)
    page.locator("#password").fill(demo.owner_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()


def x_of(locator) -> float:
    """Where an element's centre stands across the page."""
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2


def worst_stands_first_in_reading_order(scope, direction: str) -> bool:
    """Face 1 at the inline start: left in left-to-right, right in right-to-left."""
    worst, best = x_of(scope.locator(".rate-1").first), x_of(scope.locator(".rate-5").first)
    return worst < best if direction == "ltr" else worst > best


def build_survey(page, live_server) -> None:
    """A blank survey, a free-text question shown only after a rating of 2 or less, saved."""
    page.goto(f"{live_server}/admin/surveys/")
    page.get_by_role("button", name="Blank: one question with faces").click()
    expect(page.locator("#q-0-text-en")).to_have_value("How was your visit today?")
    page.get_by_role("button", name="Free text").click()
    expect(page.locator("#q-1-text-en")).to_be_visible()
    expect(page.locator(".unsaved")).to_be_visible()
    page.locator("#name").fill("After the till")
    page.locator("#q-1-text-en").fill("What should we do better?")
    page.locator("#q-1-text-fa").fill(PERSIAN_QUESTION)
    page.locator("#q-1-cond-question").select_option(index=1)
    page.locator("#q-1-cond-op").select_option("<=")
    page.locator("#q-1-cond-value").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(page.locator("main > h1")).to_contain_text("After the till")
    # Only English and Persian were written: the editor names the missing translations.
    expect(page.locator(".question-editor").nth(1).locator(".missing")).to_contain_text("Հայերեն")


def assign_to_the_kiosk(page) -> None:
    """Show the survey on the demo shop's tablet."""
    page.get_by_label("Demo shop: Kiosk tablet").check()
    page.get_by_role("button", name="Save where it runs").click()
    expect(page.locator(".flash")).to_have_text("Where the survey runs is saved.")


def test_build_preview_in_persian_and_answer_on_the_kiosk(
    app, demo, page, live_server, axe, browser_problems
):
    configure_location(app, response_interval_seconds=0, thank_you_seconds=2)
    sign_in(page, live_server, demo)
    build_survey(page, live_server)
    assign_to_the_kiosk(page)
    found = {"editor": axe(page)}

    preview = page.locator("#preview-panel")
    expect(preview.locator(".preview-page")).to_have_attribute("dir", "ltr")
    assert worst_stands_first_in_reading_order(preview, "ltr")
    page.locator("#preview-lang").select_option("fa")
    expect(page.locator(".preview-page")).to_have_attribute("dir", "rtl")
    page.get_by_label("Phone").check()
    expect(page.locator(".preview-phone")).to_be_visible()
    expect(page.locator(".preview-page h1")).to_have_text("مراجعه‌ی امروزتان چطور بود؟")
    assert worst_stands_first_in_reading_order(page.locator("#preview-panel"), "rtl")
    found["preview, phone, fa, start"] = axe(page)
    page.locator("#preview-after").select_option("1")
    expect(page.locator(".preview-page label")).to_have_text(PERSIAN_QUESTION)
    found["preview, phone, fa, after a 1"] = axe(page)
    page.locator("#preview-after").select_option("4")
    expect(page.locator(".preview-page .thanks")).to_be_visible()
    assert stored_responses(app) == []  # previewing answers nothing
    assert {screen: v for screen, v in found.items() if v} == {}

    pair(page, live_server, demo.pairing_code)
    page.get_by_role("link", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert worst_stands_first_in_reading_order(page, "rtl")
    face(page, 1).click()
    expect(page.locator("form.follow-up")).to_be_visible()
    page.get_by_label(PERSIAN_QUESTION).fill(PERSIAN_ANSWER)
    page.locator("form.follow-up button[type=submit]").click()
    expect(page.locator(".thanks")).to_be_visible()
    expect_start_screen(page, timeout=8000)
    page.get_by_role("link", name="English").click()
    assert worst_stands_first_in_reading_order(page, "ltr")
    face(page, 4).click()
    expect(page.locator(".thanks")).to_be_visible()
    expect(page.locator("form.follow-up")).to_have_count(0)

    unhappy, happy = stored_responses(app)
    assert (unhappy.rating, unhappy.language, happy.rating) == (1, "fa", 4)
    assert [a.text for a in unhappy.answers if a.text] == [PERSIAN_ANSWER]
    assert unhappy.survey_id == happy.survey_id != demo.survey_id
