"""A poster link over HTTP: one answer per browser per survey for a while, and rate limits."""

import pytest
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Channel, Response
from tests.kiosk.link_helpers import PARTIAL, demo_poster_code, form_of, tap_form


def rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def open_poster(client, code, headers=None):
    response = client.get(f"/p/{code}", headers=headers or {})
    html = response.get_data(as_text=True)
    return response, html, (form_of(html) if "<form" in html else {})


@pytest.fixture
def code(app, demo) -> str:
    return demo_poster_code(app, demo)


def test_a_poster_answer_is_stored_and_the_browser_remembers_it(app, client, demo, code):
    _r, html, page = open_poster(client, code, {"Accept-Language": "az"})
    assert '<html lang="az"' in html and page["action"] == f"/p/{code}"
    answered = client.post(page["action"], data=tap_form(page, 4))
    assert answered.status_code == 200
    assert '<form class="praise"' in answered.get_data(as_text=True)
    cookie = answered.headers["Set-Cookie"]
    assert cookie.startswith(f"counterpulse_said_{demo.survey_id}={page['response_id']};")
    for attribute in ("Max-Age=43200", "HttpOnly", "SameSite=Lax", "Path=/p/"):
        assert attribute in cookie
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert (response.channel, response.device_id, response.rating) == (Channel.LINK, None, 4)


def test_the_same_browser_is_thanked_instead_of_asked_again(app, client, code):
    _r, _html, page = open_poster(client, code)
    follow_up = form_of(client.post(page["action"], data=tap_form(page, 1)).get_data(as_text=True))
    _r, html, _form = open_poster(client, code)
    assert "What went wrong?" in html  # the unfinished follow-up comes back first
    client.post(follow_up["action"], data={"form_token": follow_up["form_token"]})
    again, html, _form = open_poster(client, code)
    assert again.status_code == 200 and "You already told us, thank you." in html


def test_a_second_answer_from_the_same_browser_is_409_and_not_stored(app, client, code):
    _r, _html, first_page = open_poster(client, code)
    _r, _html, second_page = open_poster(client, code)  # another tab, opened before answering
    client.post(first_page["action"], data=tap_form(first_page, 1))
    assert client.post(first_page["action"], data=tap_form(first_page, 1)).status_code == 200
    stuffed = client.post(second_page["action"], data=tap_form(second_page, 5), headers=PARTIAL)
    assert stuffed.status_code == 409
    assert "You already told us, thank you." in stuffed.get_data(as_text=True)
    assert rows(app) == 1


def test_another_browser_may_answer_the_same_poster(app, code):
    for _ in range(2):
        browser = app.test_client()
        _r, _html, page = open_poster(browser, code)
        assert browser.post(page["action"], data=tap_form(page, 3)).status_code == 200
    assert rows(app) == 2


def test_the_rate_limit_stops_new_answers_from_one_address(app, code):
    app.config["POSTER_RATE_LIMIT"] = "3 per hour"
    statuses = []
    for _ in range(5):
        browser = app.test_client()  # a fresh browser each time: the cookie does not help
        _r, _html, page = open_poster(browser, code)
        statuses.append(browser.post(page["action"], data=tap_form(page, 1)).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert rows(app) == 3
    limited = app.test_client().post(f"/p/{code}", data={}, headers=PARTIAL)
    assert "Too many requests" in limited.get_data(as_text=True)
    assert "<html" not in limited.get_data(as_text=True)  # a screen htmx can swap in
    assert app.test_client().get(f"/p/{code}").status_code == 200  # reading is not limited


@pytest.mark.parametrize("damage", ["AAAA", "UAAAAQ" + "A" * 10, "x" * 40])
def test_a_damaged_poster_code_is_a_friendly_404(app, client, code, damage):
    response, html, _form = open_poster(client, damage)
    assert response.status_code == 404 and "This code does not work." in html
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert open_poster(client, tampered)[0].status_code == 404


def test_a_follow_up_cannot_be_attached_to_another_browsers_response(app, code):
    first, second = app.test_client(), app.test_client()
    _r, _html, page = open_poster(first, code)
    follow_up = form_of(first.post(page["action"], data=tap_form(page, 1)).get_data(as_text=True))
    _r, _html, own_page = open_poster(second, code)
    hijack = {"form_token": own_page["form_token"], f"q{1}": "x"}
    assert second.post(follow_up["action"], data=hijack).status_code == 400
