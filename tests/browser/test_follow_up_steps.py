"""The unhappy follow-up in steps on a 1024 x 768 tablet: tap-first, each step on one screen
with no scrolling, skippable, one form sent once; online, offline and without JavaScript; the
thank-you dismissed by a tap; every touch target at least 48 px on the tablet and the phone."""

import pytest

from surveys.models import FollowUp, Response
from tests.browser.conftest import TABLET, watched_page
from tests.browser.test_kiosk import (
    configure_location,
    expect_start_screen,
    face,
    pair,
    stored_responses,
)
from tests.browser.test_offline import (
    OFFLINE_NOISE,
    launch_tablet,
    wait_until_offline_ready,
)
from tests.kiosk.link_helpers import mint
from tests.kiosk.test_survey_features_http import show_template
from tests.waiting import wait_until

expect = pytest.importorskip("playwright.sync_api").expect

LANGUAGE_LINKS = {"en": "English", "hy": "Հայերեն", "fa": "فارسی"}
WORDS = {
    "en": "Twenty minutes at one till.",
    "hy": "Քսան րոպե սպասեցինք մեկ դրամարկղի մոտ:",
    "fa": "بیست دقیقه پشت یک صندوق منتظر ماندیم.",
}
MIN_TARGET_PX = 48
# From the top of the screen's first element to the bottom of its last: what the step needs.
CONTENT_HEIGHT = """Math.ceil(
  document.querySelector("#screen > :last-child").getBoundingClientRect().bottom
  - document.querySelector("#screen > :first-child").getBoundingClientRect().top)"""

# Every control a finger can reach; a checkbox or radio counts by its label, the real target.
SMALL_TARGETS = """(minimum) => {
  const small = [];
  const seen = new Set();
  const controls = "a[href], button, input:not([type=hidden]), textarea, select, summary";
  for (const control of document.querySelectorAll(controls)) {
    const target = (control.matches("input[type=checkbox], input[type=radio]")
      && control.closest("label")) || control;
    if (seen.has(target)) { continue; }
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) { continue; }  // not on screen
    if (box.width < minimum || box.height < minimum) {
      const size = `${Math.round(box.width)} x ${Math.round(box.height)}`;
      small.push(`${target.outerHTML.slice(0, 80)}: ${size}`);
    }
  }
  return small;
}"""


def current_step(page):
    """The step on screen."""
    return page.locator("form.follow-up [data-step].step-current")


def next_button(page):
    """Next (or Skip, while the step is unanswered)."""
    return page.locator("form.follow-up [data-step-next]")


def send_button(page):
    """The one submit button: Send now on the way, Send on the last step."""
    return page.locator("form.follow-up button[type=submit]")


def scroll_height(page) -> int:
    """How tall the page is; the screen needs scrolling when it is taller than the window."""
    return page.evaluate("document.scrollingElement.scrollHeight")


def expect_fits(page, measured: dict, name: str) -> None:
    """The step on screen needs no vertical scrolling; its height is kept for the report:
    the page's (the window's at least) and the content's, from the top of the page to the
    bottom of the screen's last element."""
    content = page.evaluate(CONTENT_HEIGHT)
    measured[name] = (scroll_height(page), content)
    assert measured[name][0] <= page.evaluate("innerHeight"), f"{name}: {measured[name]} px"


def in_language(page, language: str) -> None:
    """One tap on the language switch of the start screen."""
    if language != "en":
        page.get_by_role("link", name=LANGUAGE_LINKS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def walk_unhappy_steps(page, demo, language: str, measured: dict, axe=None) -> None:
    """Topic chip, words, skip the staff, skip the contact, send; every step on one screen."""
    questions = demo.question_ids
    found = {}
    expect(current_step(page).locator(f"input[name=q{questions['topics']}]")).to_have_count(6)
    expect(page.locator("[data-step-back]")).to_be_hidden()
    expect_fits(page, measured, f"{language} 1 topics")
    found["topics"] = axe(page) if axe else []
    skip, onwards = (next_button(page).get_attribute(f"data-{n}-label") for n in ("skip", "next"))
    expect(next_button(page)).to_have_text(skip)
    current_step(page).locator("label.chip").filter(has=page.locator("[value=waiting]")).click()
    expect(next_button(page)).to_have_text(onwards)
    next_button(page).click()

    expect(current_step(page).locator(f"#q{questions['comment']}")).to_be_visible()
    expect_fits(page, measured, f"{language} 2 words")
    found["words"] = axe(page) if axe else []
    page.locator(f"#q{questions['comment']}").fill(WORDS[language])
    next_button(page).click()

    expect(current_step(page).locator(f"input[name=q{questions['served_by']}]")).to_have_count(4)
    expect_fits(page, measured, f"{language} 3 staff")
    page.locator("[data-step-back]").click()  # back to the words: they are still there
    expect(page.locator(f"#q{questions['comment']}")).to_have_value(WORDS[language])
    next_button(page).click()
    expect(next_button(page)).to_have_text(skip)
    next_button(page).click()

    expect(current_step(page).locator(f"#q{questions['contact']}-name")).to_be_visible()
    expect(page.locator(f"input[name=q{questions['contact']}-consent]")).not_to_be_checked()
    expect(next_button(page)).to_be_hidden()
    expect(send_button(page)).to_have_text(send_button(page).get_attribute("data-send-label"))
    expect_fits(page, measured, f"{language} 4 contact")
    found["contact"] = axe(page) if axe else []
    send_button(page).click()
    assert {step: v for step, v in found.items() if v} == {}


def assert_stored(response: Response, language: str) -> None:
    """The response has the chosen topic and the words, and nothing else of the follow-up."""
    assert (response.rating, response.language) == (1, language)
    assert response.follow_up == FollowUp.GIVEN
    assert [a.choice for a in response.answers if a.choice] == ["waiting"]
    assert [a.text for a in response.answers if a.text] == [WORDS[language]]
    assert response.staff_id is None and response.customer is None


@pytest.fixture
def tablet(app, demo, live_server, page):
    """The demo kiosk paired in the page, with a long thank-you and no misuse interval."""
    configure_location(
        app, thank_you_seconds=60, idle_timeout_seconds=60, response_interval_seconds=0
    )
    pair(page, live_server, demo.pairing_code)
    return page


@pytest.mark.parametrize("language", ["en", "hy", "fa"])
def test_unhappy_follow_up_walks_steps_that_fit_the_tablet(
    app, demo, tablet, language, axe, capsys
):
    """In English, Armenian and Persian: every step fits 1024 x 768, one post at the end."""
    page = tablet
    posts = []
    page.on(
        "request",
        lambda r: r.method == "POST" and "/follow-up" in r.url and posts.append(r.url),
    )
    in_language(page, language)
    face(page, 1).click()
    measured = {}
    walk_unhappy_steps(page, demo, language, measured, axe)
    expect(page.locator(".thanks")).to_be_visible()
    expect_fits(page, measured, f"{language} thanks")
    assert len(posts) == 1
    [response] = stored_responses(app)
    assert_stored(response, language)
    with capsys.disabled():
        print(f"\nheights at 1024x768: {measured}")


@pytest.mark.parametrize("language", ["hy", "fa"])
def test_offline_follow_up_shows_the_same_steps(
    app, demo, live_server, browser, tmp_path, browser_problems, language
):
    """With the network cut, the tablet's own copy of the follow-up walks the same steps, and
    the answers arrive once the network returns."""
    for noise in OFFLINE_NOISE:
        browser_problems.allow(noise)
    configure_location(
        app, thank_you_seconds=60, idle_timeout_seconds=60, response_interval_seconds=0
    )
    context, page = launch_tablet(browser, tmp_path / "profile", browser_problems)
    pair(page, live_server, demo.pairing_code)
    in_language(page, language)
    wait_until_offline_ready(page)
    context.set_offline(True)

    face(page, 1).click()
    measured = {}
    walk_unhappy_steps(page, demo, language, measured)
    expect(page.locator(".thanks")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert stored_responses(app) == []

    context.set_offline(False)

    def follow_up_arrived() -> bool:
        return any(r.follow_up == FollowUp.GIVEN for r in stored_responses(app))

    wait_until(follow_up_arrived, 60, "the queued follow-up")
    context.close()
    [response] = stored_responses(app)
    assert_stored(response, language)


def test_a_tap_dismisses_the_thank_you_at_once(tablet, browser_problems):
    """The thanks would stay a minute; a tap anywhere, or on Done, starts over at once."""
    page = tablet
    face(page, 3).click()
    expect(page.locator(".thanks")).to_be_visible()
    page.wait_for_timeout(700)  # past the guard against the second tap of a double tap
    page.locator(".thanks h1").click()
    expect_start_screen(page, timeout=3000)

    face(page, 1).click()
    send_button(page).click()  # Send now, from the first step
    done = page.get_by_role("button", name="Done")
    expect(done).to_be_visible()
    page.wait_for_timeout(700)
    done.click()
    expect_start_screen(page, timeout=3000)


def test_a_double_tap_on_send_leaves_the_thank_you_up(tablet):
    """The second tap of a double tap on Send does not throw the thanks away unread."""
    page = tablet
    face(page, 3).click()
    expect(page.locator(".thanks")).to_be_visible()
    page.locator(".thanks h1").click()  # at once, as a bouncing finger would
    page.wait_for_timeout(1000)
    expect(page.locator(".thanks")).to_be_visible()


def small_targets(page) -> list[str]:
    """The visible controls smaller than a finger."""
    return page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)


def test_every_kiosk_target_is_at_least_48_px(demo, tablet, browser_problems):
    """Start screen, each follow-up step, a refused send, the thanks and the praise at
    1024 x 768; the refused send reopens the step to fix, which still fits."""
    browser_problems.allow("status of 422")
    page = tablet
    found = {"start": small_targets(page)}
    face(page, 1).click()
    expect(current_step(page)).to_be_visible()
    for number in range(1, 5):
        found[f"step {number}"] = small_targets(page)
        if number < 4:
            next_button(page).click()
    page.locator(f"#q{demo.question_ids['contact']}-phone").fill("+374 10 123456")
    send_button(page).click()  # no consent: the contact step comes back with its error
    expect(current_step(page).locator(".field-error")).to_be_visible()
    expect_fits(page, {}, "contact with an error")
    found["contact with an error"] = small_targets(page)
    page.locator(f"input[name=q{demo.question_ids['contact']}-consent]").check()
    send_button(page).click()
    expect(page.get_by_role("button", name="Done")).to_be_visible()
    found["thanks"] = small_targets(page)
    page.wait_for_timeout(700)
    page.get_by_role("button", name="Done").click()
    face(page, 5).click()
    expect(page.locator("form.praise")).to_be_visible()
    found["praise"] = small_targets(page)
    assert {screen: small for screen, small in found.items() if small} == {}


def test_every_link_target_is_at_least_48_px(app, demo, live_server, english_phone, axe):
    """A receipt on the phone: start, each follow-up step and the thanks, at 390 x 844."""
    phone = english_phone
    phone.goto(f"{live_server}/r/{mint(app, demo)}")
    found = {"start": small_targets(phone)}
    phone.locator("button[name=rating][value='1']").tap()
    expect(current_step(phone)).to_be_visible()
    for number in range(1, 5):
        found[f"step {number}"] = small_targets(phone)
        if number < 4:
            next_button(phone).tap()
    send_button(phone).tap()
    expect(phone.locator(".thanks")).to_be_visible()
    found["thanks"] = small_targets(phone)
    assert {screen: small for screen, small in found.items() if small} == {}
    assert axe(phone) == []


def test_without_javascript_every_step_shows_and_send_works(
    app, demo, live_server, browser, browser_problems
):
    """No script: one form with every question and one Send, which stores the answers."""
    for page in watched_page(browser, browser_problems, viewport=TABLET, java_script_enabled=False):
        configure_location(app, response_interval_seconds=0)
        page.goto(f"{live_server}/kiosk/pair/{demo.pairing_code}")
        page.get_by_role("button", name="Use this tablet").click()
        face(page, 1).click()
        questions = demo.question_ids
        expect(page.locator("form.follow-up [data-step]:visible")).to_have_count(4)
        expect(page.locator("[data-step-next], [data-step-back]")).to_have_count(2)
        expect(page.locator("[data-step-next]:visible, [data-step-back]:visible")).to_have_count(0)
        page.locator(f"input[name=q{questions['topics']}][value=waiting]").check()
        page.locator(f"#q{questions['comment']}").fill(WORDS["en"])
        send_button(page).click()
        expect(page.locator(".thanks")).to_be_visible()
    [response] = stored_responses(app)
    assert_stored(response, "en")


def test_a_question_opened_by_a_chip_becomes_a_step(app, demo, tablet, live_server):
    """Restaurant survey: "Food" among the topics opens its own step; without it, none."""
    ids = show_template(app, demo, "restaurant")
    page = tablet
    page.goto(f"{live_server}/kiosk/")
    face(page, 1).click()
    food = page.locator(f"input[name=q{ids['food']}]")
    progress = page.locator("[data-step-progress]")
    expect(progress).to_have_text("Step 1 of 4")
    current_step(page).locator("label.chip").filter(has=page.locator("[value=food]")).click()
    expect(progress).to_have_text("Step 1 of 5")
    next_button(page).click()
    expect(food.first).to_be_visible()
    current_step(page).locator("label.chip").filter(has=page.locator("[value=cold]")).click()
    page.locator("[data-step-back]").click()
    current_step(page).locator("label.chip").filter(has=page.locator("[value=food]")).click()
    expect(progress).to_have_text("Step 1 of 4")
    current_step(page).locator("label.chip").filter(has=page.locator("[value=price]")).click()
    next_button(page).click()
    expect(page.locator(f"#q{ids['comment']}")).to_be_visible()
    send_button(page).click()
    expect(page.locator(".thanks")).to_be_visible()
    [response] = stored_responses(app)
    assert [a.choice for a in response.answers if a.choice] == ["price"]
