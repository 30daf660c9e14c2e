"""The kiosk in a real Chromium: pairing, languages, taps, follow-ups, resets, a11y, fonts."""

import re

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.demo.shops import DEMO_LOCATION
from surveys.models import Alert, AlertStatus, FollowUp, Location, Response
from tests.case_factories import reachable_by_push

expect = pytest.importorskip("playwright.sync_api").expect

# A sentence of the Armenian seed article (shared/seeds/000_8089628bff5638e0.txt).
ARMENIAN_COMMENT = "Փոքր բիզնեսին նույնիսկ ավելի վնասակար է «լուռ բողոքողը»:"
ARMENIAN_NAME = "Արամ Պետրոսյան"
PHONE = "+374 10 123456"
DEVANAGARI = re.compile("[\u0900-\u097f]")
THANK_YOU_SECONDS = 2
IDLE_TIMEOUT_SECONDS = 3
# Long enough for a reset to happen, short enough to fail fast when it does not.
RESET_WAIT_MS = (IDLE_TIMEOUT_SECONDS + 4) * 1000


def configure_location(app, **settings) -> None:
    """Change the demo location's settings in the database."""
    with app.app_context():
        location = db.session.scalars(select(Location).filter_by(name=DEMO_LOCATION)).one()
        for name, value in settings.items():
            setattr(location, name, value)
        db.session.commit()


def faces(page):
    """The five rating buttons of the start screen."""
    return page.locator("button[name=rating]")


def face(page, rating: int):
    """One rating button."""
    return page.locator(f"button[name=rating][value='{rating}']")


def next_step(page) -> None:
    """Next (or Skip) on the follow-up: its next step comes up."""
    page.locator("form.follow-up [data-step-next]").click()


def expect_start_screen(page, timeout: float | None = None) -> None:
    """The start screen is showing: five faces and the language switch."""
    expect(faces(page)).to_have_count(5, timeout=timeout)
    expect(face(page, 1)).to_be_enabled()
    expect(page.locator("nav.languages")).to_be_visible()


def pair(page, live_server: str, code: str) -> None:
    """Pair the page's browser through the pairing link and land on the start screen."""
    page.goto(f"{live_server}/kiosk/pair/{code}")
    page.get_by_role("button", name="Use this tablet").click()
    expect(page).to_have_url(f"{live_server}/kiosk/")
    expect_start_screen(page)


@pytest.fixture
def tablet(app, demo, live_server, page):
    """A page paired as the demo kiosk, with quick resets, showing the start screen."""
    configure_location(
        app,
        thank_you_seconds=THANK_YOU_SECONDS,
        idle_timeout_seconds=IDLE_TIMEOUT_SECONDS,
        response_interval_seconds=0,
    )
    pair(page, live_server, demo.pairing_code)
    return page


def stored_responses(app) -> list[Response]:
    """Every stored response, oldest first, with what the assertions need loaded."""
    with app.app_context():
        responses = db.session.scalars(select(Response).order_by(Response.id)).all()
        for response in responses:
            _ = response.answers, response.customer
        db.session.expunge_all()
        return list(responses)


def stored_alerts(app) -> list[Alert]:
    """Every stored alert, oldest first."""
    with app.app_context():
        alerts = db.session.scalars(select(Alert).order_by(Alert.id)).all()
        db.session.expunge_all()
        return list(alerts)


def platform_fonts(page, selector: str) -> set[str]:
    """The fonts Chromium actually drew an element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        cdp.send("CSS.enable")
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"] for font in fonts if font["glyphCount"] > 0}
    finally:
        cdp.detach()


def text_and_tofu_widths(locator) -> list[float]:
    """Widths of an element's text and of as many never-assigned characters, in its font."""
    return locator.evaluate(
        """(element) => {
          const context = document.createElement("canvas").getContext("2d");
          context.font = getComputedStyle(element).font;
          const text = element.textContent.trim();
          const tofu = "\\u{10FFFD}".repeat([...text].length);
          return [context.measureText(text).width, context.measureText(tofu).width];
        }"""
    )


def assert_not_tofu(locator) -> None:
    """The element's text is drawn with real glyphs, not as rows of missing-glyph boxes."""
    text_width, tofu_width = text_and_tofu_widths(locator)
    assert text_width > 0
    assert text_width != pytest.approx(tofu_width, abs=0.5)


def test_pairing_link_opens_the_start_screen(page, live_server, demo):
    """The pairing link, one tap on "Use this tablet", and the five faces are there."""
    pair(page, live_server, demo.pairing_code)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_be_visible()


def test_unhappy_armenian_customer_reaches_a_manager(app, demo, tablet, live_server):
    """One tap to Armenian, the saddest face, a full follow-up; then a clean reset."""
    with app.app_context():  # the manager on duty has push on, so the kiosk may promise
        reachable_by_push(db.session.get(Location, demo.location_id))
        db.session.commit()
    page = tablet
    page.get_by_role("link", name="Հայերեն").click()
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    face(page, 1).click()

    questions = demo.question_ids
    expect(page.locator("form.follow-up")).to_be_visible()
    page.locator(f"input[name=q{questions['topics']}][value=waiting]").check()
    next_step(page)
    page.locator(f"#q{questions['comment']}").fill(ARMENIAN_COMMENT)
    next_step(page)
    next_step(page)  # nobody named as the one who served
    page.locator(f"#q{questions['contact']}-name").fill(ARMENIAN_NAME)
    page.locator(f"#q{questions['contact']}-phone").fill(PHONE)
    page.locator(f"input[name=q{questions['contact']}-consent]").check()
    # Something of this customer in the page's memory and storage, which the reset must clear.
    page.evaluate(
        """(text) => {
          window.customerWasHere = true;
          sessionStorage.setItem("draft", text);
          localStorage.setItem("draft", text);
        }""",
        ARMENIAN_COMMENT,
    )
    page.locator("form.follow-up button[type=submit]").click()

    expect(page.locator(".manager-coming")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    [response] = stored_responses(app)
    assert response.rating == 1
    assert response.language == "hy"
    assert response.follow_up == FollowUp.GIVEN
    [alert] = stored_alerts(app)
    assert (alert.response_id, alert.status) == (response.id, AlertStatus.NEW)
    assert [a.text for a in response.answers if a.text] == [ARMENIAN_COMMENT]
    assert [a.choice for a in response.answers if a.choice] == ["waiting"]
    assert (response.customer.name, response.customer.phone) == (ARMENIAN_NAME, PHONE)

    expect(page.locator(".thanks")).to_have_count(0, timeout=RESET_WAIT_MS)
    expect_start_screen(page)
    expect(page).to_have_url(f"{live_server}/kiosk/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for trace in (ARMENIAN_COMMENT, ARMENIAN_NAME, PHONE):
        assert trace not in page.content()
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert page.evaluate("window.customerWasHere") is None


def test_tap_then_walk_away_is_kept_and_alerted(app, tablet):
    """A sad tap and nothing more: the kiosk resets itself, the tap and its alert stay."""
    page = tablet
    face(page, 2).click()
    expect(page.locator("form.follow-up")).to_be_visible()
    expect(page.locator("form.follow-up h1")).to_be_focused()  # announced to screen readers

    expect(page.locator("form.follow-up")).to_have_count(0, timeout=RESET_WAIT_MS)
    expect_start_screen(page)
    [response] = stored_responses(app)
    assert response.rating == 2
    assert response.follow_up == FollowUp.OFFERED
    assert response.is_partial
    [alert] = stored_alerts(app)
    assert (alert.response_id, alert.status) == (response.id, AlertStatus.NEW)


def test_happy_tap_praises_staff_and_neutral_tap_thanks_at_once(app, demo, tablet):
    """A 5 opens "Who made your day?", a name praises them; a 3 goes straight to thanks."""
    page = tablet
    face(page, 5).click()
    expect(page.locator("form.praise")).to_be_visible()
    expect(page.get_by_role("heading", name="Who made your day?")).to_be_visible()
    page.get_by_role("button", name="Ravi").click()
    expect(page.locator(".thanks")).to_be_visible()
    expect(page.locator(".manager-coming")).to_have_count(0)

    expect_start_screen(page, timeout=RESET_WAIT_MS)
    face(page, 3).click()
    expect(page.locator(".thanks")).to_be_visible()
    expect(page.locator("#screen form")).to_have_count(0)

    praised, neutral = stored_responses(app)
    assert (praised.rating, praised.staff_id) == (5, demo.staff_ids["Ravi"])
    assert praised.staff_praised is True
    assert praised.follow_up == FollowUp.GIVEN
    assert (neutral.rating, neutral.follow_up, neutral.staff_id) == (3, FollowUp.NONE, None)
    assert stored_alerts(app) == []


def test_double_tap_sends_one_request(app, demo, tablet):
    """A double tap on a face, then on a name: one request each, one response stored."""
    page = tablet
    posts = []
    answers = re.compile(r"/kiosk/responses")  # heartbeats are posts too
    page.on(
        "request",
        lambda request: (
            request.method == "POST" and answers.search(request.url) and posts.append(request.url)
        ),
    )
    face(page, 4).dblclick()
    expect(page.locator("form.praise")).to_be_visible()
    assert len(posts) == 1
    page.get_by_role("button", name="Leyla").dblclick()
    expect(page.locator(".thanks")).to_be_visible()
    assert len(posts) == 2
    [response] = stored_responses(app)
    assert response.staff_id == demo.staff_ids["Leyla"]


def test_no_axe_violations_before_pairing(page, live_server, demo, axe, browser_problems):
    """The unpaired page, a dead pairing link and the pairing page pass axe-core."""
    browser_problems.allow("status of 403")
    browser_problems.allow("status of 404")
    found = {}
    page.goto(f"{live_server}/kiosk/")
    expect(page.locator(".unpaired")).to_be_visible()
    found["unpaired"] = axe(page)
    page.goto(f"{live_server}/kiosk/pair/not-a-code")
    expect(page.locator(".unpaired")).to_be_visible()
    found["pairing invalid"] = axe(page)
    page.goto(f"{live_server}/kiosk/pair/{demo.pairing_code}")
    expect(page.locator("form.pair")).to_be_visible()
    found["pairing"] = axe(page)
    assert {screen: v for screen, v in found.items() if v} == {}


def test_no_axe_violations_on_kiosk_screens(demo, tablet, axe, browser_problems):
    """Start (en, hy), follow-up (fresh and with errors), thanks and praise pass axe-core."""
    page = tablet
    contact = f"q{demo.question_ids['contact']}"
    found = {"start en": axe(page)}
    page.get_by_role("link", name="Հայերեն").click()
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    found["start hy"] = axe(page)
    face(page, 1).click()
    expect(page.locator("form.follow-up")).to_be_visible()
    for step in ("topics", "words", "staff"):
        found[f"follow-up, {step}"] = axe(page)
        next_step(page)
    found["follow-up, contact"] = axe(page)

    browser_problems.allow("status of 422")
    page.locator(f"#{contact}-phone").fill(PHONE)
    page.locator("form.follow-up button[type=submit]").click()
    expect(page.locator(".form-error")).to_be_visible()
    found["follow-up with errors"] = axe(page)
    page.locator(f"input[name={contact}-consent]").check()
    page.locator("form.follow-up button[type=submit]").click()
    expect(page.locator(".thanks")).to_be_visible()
    found["thanks"] = axe(page)

    expect_start_screen(page, timeout=RESET_WAIT_MS)
    face(page, 5).click()
    expect(page.locator("form.praise")).to_be_visible()
    found["praise"] = axe(page)
    assert {screen: v for screen, v in found.items() if v} == {}


def test_hindi_screen_renders_devanagari(tablet, tmp_path):
    """In Hindi the screen is drawn with real Devanagari (and Armenian) glyphs, not tofu."""
    page = tablet
    page.get_by_role("link", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    page.screenshot(path=tmp_path / "kiosk-hi.png", full_page=True)
    heading = page.locator("h1")
    box = heading.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    heading.screenshot(path=tmp_path / "kiosk-hi-heading.png")

    non_latin = ["a[lang=hi]", "a[lang=hy]"]
    if DEVANAGARI.search(heading.inner_text()):  # once the Hindi catalog is compiled
        non_latin.append("h1")
    latin_fonts = platform_fonts(page, "a[lang=en]")
    for selector in ["h1", *non_latin]:
        assert_not_tofu(page.locator(selector))
    for selector in non_latin:
        fonts = platform_fonts(page, selector)
        assert fonts - latin_fonts, f"{selector} is drawn only with the Latin fonts {fonts}"
