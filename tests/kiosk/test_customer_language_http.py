"""The language a customer chose holds on every screen, error and stored word of the visit,
whatever the browser's Accept-Language says: on the tablet and on the phone."""

import html as html_module
import re
import uuid

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from surveys.capture.answers import CONSENT_TEXT
from surveys.db import db
from surveys.models import Customer, Location
from surveys.places.kiosk_exit import set_exit_pin
from tests.kiosk.link_helpers import demo_poster_code, form_of, mint, tap_form

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
CHOSEN = [("hy", "ltr"), ("fa", "rtl")]


def words(app, language: str, text: str) -> str:
    """The catalog's words for a text in a language, as the page escapes them."""
    with app.test_request_context(), force_locale(language):
        return html_module.escape(gettext(text))


def consent_in(app, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return str(CONSENT_TEXT)


def stored_consent(app) -> str:
    with app.app_context():
        return db.session.scalars(select(Customer)).one().consent_text


def contact(demo, email: str) -> dict[str, str]:
    field = f"q{demo.question_ids['contact']}"
    return {f"{field}-name": "Ani", f"{field}-email": email, f"{field}-consent": "yes"}


def assert_in_language(app, page, language, direction, *texts):
    html = page.get_data(as_text=True)
    assert f'<html lang="{language}" dir="{direction}">' in html
    for text in texts:
        assert words(app, language, text) in html, text
    return html


@pytest.mark.parametrize(("language", "direction"), CHOSEN)
def test_a_refused_follow_up_and_its_thanks_stay_in_the_tablets_chosen_language(
    kiosk, app, demo, language, direction
):
    response_id = str(uuid.uuid4())
    tap = {
        "response_id": response_id,
        "question": str(demo.question_ids["rating"]),
        "rating": "1",
        "language": language,
    }
    tapped = kiosk.post("/kiosk/responses", data=tap, headers=ENGLISH)
    assert_in_language(app, tapped, language, direction, "We are sorry to hear that.")
    action = f"/kiosk/responses/{response_id}/follow-up"
    refused = kiosk.post(action, data=contact(demo, "not an address"), headers=ENGLISH)
    assert refused.status_code == 422
    assert_in_language(
        app, refused, language, direction, "Please check the e-mail address.", "Send"
    )
    thanked = kiosk.post(action, data=contact(demo, "ani@example.org"), headers=ENGLISH)
    assert thanked.status_code == 200
    assert_in_language(app, thanked, language, direction, "Thank you!")
    assert stored_consent(app) == consent_in(app, language) != consent_in(app, "en")


@pytest.mark.parametrize(("language", "direction"), CHOSEN)
def test_a_refusal_of_the_tablet_is_in_the_chosen_language(kiosk, app, demo, language, direction):
    response_id = str(uuid.uuid4())
    tap = {
        "response_id": response_id,
        "question": str(demo.question_ids["rating"]),
        "rating": "3",
        "language": language,
    }
    assert kiosk.post("/kiosk/responses", data=tap, headers=ENGLISH).status_code == 200
    refused = kiosk.post(f"/kiosk/responses/{response_id}/follow-up", data={}, headers=ENGLISH)
    assert refused.status_code == 422
    assert_in_language(app, refused, language, direction, "This answer needs no more questions.")


@pytest.mark.parametrize(("language", "direction"), CHOSEN)
def test_the_pin_pad_answers_a_wrong_pin_in_the_chosen_language(
    kiosk, app, demo, language, direction
):
    with app.app_context():
        set_exit_pin(db.session.get(Location, demo.location_id), "2468")
        db.session.commit()
    start = kiosk.get(f"/kiosk/?lang={language}", headers=ENGLISH).get_data(as_text=True)
    pad = re.search(r'<form class="exit-pin".*?</form>', start, re.S)[0]
    assert f'<input type="hidden" name="language" value="{language}">' in pad
    wrong = kiosk.post("/kiosk/exit", data={"pin": "1111", "language": language}, headers=ENGLISH)
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert words(app, language, "That PIN is not right.") in html
    assert words(app, language, "Leave kiosk mode") in html


def link_path(app, demo, kind: str) -> str:
    return f"/r/{mint(app, demo)}" if kind == "receipt" else f"/p/{demo_poster_code(app, demo)}"


@pytest.mark.parametrize("kind", ["receipt", "poster"])
@pytest.mark.parametrize(("language", "direction"), CHOSEN)
def test_a_refused_follow_up_and_its_thanks_stay_in_the_phones_chosen_language(
    client, app, demo, kind, language, direction
):
    path = link_path(app, demo, kind)
    opened = client.get(f"{path}?lang={language}", headers=GERMAN)
    page = form_of(assert_in_language(app, opened, language, direction))
    tapped = client.post(page["action"], data=tap_form(page, 1), headers=GERMAN)
    follow_up = form_of(assert_in_language(app, tapped, language, direction, "Send"))
    token = {"form_token": follow_up["form_token"]}
    answers = contact(demo, "not an address") | token
    refused = client.post(follow_up["action"], data=answers, headers=GERMAN)
    assert refused.status_code == 422
    assert_in_language(app, refused, language, direction, "Please check the e-mail address.")
    answers = contact(demo, "ani@example.org") | token
    thanked = client.post(follow_up["action"], data=answers, headers=GERMAN)
    assert thanked.status_code == 200
    assert_in_language(app, thanked, language, direction, "Thank you!")
    assert stored_consent(app) == consent_in(app, language) != consent_in(app, "en")


@pytest.mark.parametrize("step", ["tap", "follow_up"])
@pytest.mark.parametrize(("language", "direction"), CHOSEN)
def test_a_page_left_open_too_long_says_so_in_the_chosen_language(
    client, app, demo, monkeypatch, step, language, direction
):
    path = link_path(app, demo, "receipt")
    page = form_of(client.get(f"{path}?lang={language}", headers=GERMAN).get_data(as_text=True))
    if step == "follow_up":
        tapped = client.post(page["action"], data=tap_form(page, 1), headers=GERMAN)
        page = form_of(tapped.get_data(as_text=True))
        answers = contact(demo, "ani@example.org") | {"form_token": page["form_token"]}
    else:
        answers = tap_form(page, 1)
    monkeypatch.setattr("kiosk.link_guard.FORM_TOKEN_MAX_AGE_SECONDS", -1)  # every token stale
    stale = client.post(page["action"], data=answers, headers=GERMAN)
    assert stale.status_code == 400
    stale_words = "This page was open too long or has changed. Please open the link again."
    assert_in_language(app, stale, language, direction, stale_words)
