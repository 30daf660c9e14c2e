"""The screen after a tap, as each channel shows it over HTTP: the tablet, a receipt, a
poster, the tablet's offline screens and the editor's preview, for unhappy, neutral and
happy ratings on faces and NPS surveys."""

import html as html_module
import json
import re
import uuid

import pytest
from sqlalchemy import update

from surveys.authoring.templates import create_from_template
from surveys.db import db
from surveys.models import Location, SurveyAssignment
from tests.admin.test_auth import login
from tests.case_factories import reachable_by_push
from tests.kiosk.link_helpers import PARTIAL, demo_poster_code, form_of, mint, tap_form

# (template, rating, screen, questions seen, header)
SORRY, LITTLE_MORE = "We are sorry to hear that.", "Thank you! A little more, if you like."
SCREENS = [
    ("quick_faces", 1, "follow_up", ["topics", "comment", "servedby", "contact"], SORRY),
    ("quick_faces", 3, "thanks", [], "Thank you!"),
    ("quick_faces", 5, "praise", ["praise"], "Thank you, we are glad!"),
    ("nps", 2, "follow_up", ["better", "contact"], SORRY),
    ("nps", 8, "thanks", [], "Thank you!"),
    ("nps", 10, "follow_up", ["liked"], LITTLE_MORE),
]
MARKERS = {
    "follow_up": '<form class="follow-up"',
    "praise": '<form class="praise"',
    "thanks": '<section class="thanks"',
}


def show_everywhere(app, demo, template: str) -> dict:
    """Make a survey from the template the demo shop's on every channel; its questions."""
    with app.app_context():
        survey = create_from_template(template)
        db.session.flush()
        db.session.execute(
            update(SurveyAssignment)
            .where(SurveyAssignment.location_id == demo.location_id)
            .values(survey_id=survey.id)
        )
        db.session.commit()
        return {
            "id": survey.id,
            "main": survey.main_question.id,
            "texts": {q.key: q.texts["en"] for q in survey.questions[1:]},
            "ids": {q.key: q.id for q in survey.questions},
        }


def on_the_tablet(client, app, demo, survey, rating) -> str:
    kiosk = client
    assert kiosk.post(f"/kiosk/pair/{demo.pairing_code}").status_code == 303
    tap = {
        "response_id": str(uuid.uuid4()),
        "question": str(survey["main"]),
        "rating": str(rating),
        "language": "en",
    }
    posted = kiosk.post("/kiosk/responses", data=tap, headers=PARTIAL)
    assert posted.status_code == 200
    return posted.get_data(as_text=True)


def on_a_link(path: str, client, rating) -> str:
    page = form_of(client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))
    posted = client.post(page["action"], data=tap_form(page, rating), headers=PARTIAL)
    assert posted.status_code == 200
    return posted.get_data(as_text=True)


def on_a_receipt(client, app, demo, survey, rating) -> str:
    return on_a_link(f"/r/{mint(app, demo)}", client, rating)


def on_a_poster(client, app, demo, survey, rating) -> str:
    return on_a_link(f"/p/{demo_poster_code(app, demo)}", client, rating)


def offline_on_the_tablet(client, app, demo, survey, rating) -> str:
    assert client.post(f"/kiosk/pair/{demo.pairing_code}").status_code == 303
    start = client.get("/kiosk/").get_data(as_text=True)
    outcomes = json.loads(html_module.unescape(re.search(r"data-outcomes='([^']*)'", start)[1]))
    screen = outcomes[str(rating)]["screen"]
    return re.search(rf'<template data-screen="{screen}">(.*?)</template>', start, re.S)[1]


def in_the_preview(client, app, demo, survey, rating) -> str:
    assert login(client, demo.owner_email, demo.owner_password).status_code == 303
    url = f"/admin/surveys/{survey['id']}/preview?device=tablet&lang=en&after={rating}"
    preview = client.get(url, headers=PARTIAL)
    assert preview.status_code == 200
    return preview.get_data(as_text=True)


CHANNELS = [on_the_tablet, on_a_receipt, on_a_poster, offline_on_the_tablet, in_the_preview]


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.__name__)
@pytest.mark.parametrize(("template", "rating", "screen", "seen", "header"), SCREENS)
def test_every_channel_shows_the_screen_the_rating_opens(
    client, app, demo, channel, template, rating, screen, seen, header
):
    survey = show_everywhere(app, demo, template)
    html = channel(client, app, demo, survey, rating)
    assert MARKERS[screen] in html
    assert f"<h1>{header}</h1>" in html
    for key, text in survey["texts"].items():
        assert (html_module.escape(text) in html) is (key in seen), key


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.__name__)
def test_a_question_waiting_on_the_same_screen_comes_hidden_on_every_channel(
    client, app, demo, channel
):
    survey = show_everywhere(app, demo, "restaurant")
    html = channel(client, app, demo, survey, 1)
    food, topics = survey["ids"]["food"], survey["ids"]["topics"]
    hidden = re.search(
        r'<div class="conditional" data-condition="([^"]*)" hidden>\s*(.*?)</div>', html, re.S
    )
    assert hidden is not None and f'name="q{food}"' in hidden[2]
    assert json.loads(html_module.unescape(hidden[1]))["field"] == f"q{topics}"


MANAGER_COMING = "A manager has been told and will come to you."


@pytest.mark.parametrize(
    ("channel", "promised"), [(on_the_tablet, True), (on_a_receipt, False), (on_a_poster, False)]
)
@pytest.mark.parametrize("template", ["quick_faces", "nps"])
def test_only_the_tablet_promises_a_manager_after_an_unhappy_follow_up(
    client, app, demo, channel, promised, template
):
    survey = show_everywhere(app, demo, template)
    with app.app_context():
        reachable_by_push(db.session.get(Location, demo.location_id))
        db.session.commit()
    follow_up = re.search(
        r'<form class="follow-up"[^>]*>.*?</form>', channel(client, app, demo, survey, 1), re.S
    )[0]
    action = re.search(r'action="([^"]+)"', follow_up)[1]
    token = re.search(r'name="form_token" value="([^"]*)"', follow_up)
    thanks = client.post(action, data={"form_token": token[1]} if token else {}, headers=PARTIAL)
    html = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and MARKERS["thanks"] in html
    assert (MANAGER_COMING in html) is promised
