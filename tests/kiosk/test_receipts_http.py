"""A receipt link on a phone over HTTP: language, the sad path, once only, bad codes."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Alert, Answer, Channel, Customer, FollowUp, Location, Response, utcnow
from tests.kiosk.link_helpers import PARTIAL, form_of, mint, tap_form

HINDI = {"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"}


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def open_receipt(client, code, headers=None):
    """GET the receipt page; its status, its html and its form."""
    response = client.get(f"/r/{code}", headers=headers or {})
    html = response.get_data(as_text=True)
    return response, html, (form_of(html) if "<form" in html else {})


def test_the_survey_opens_in_the_phones_language_and_switches_with_one_tap(client, app, demo):
    code = mint(app, demo)
    response, html, form = open_receipt(client, code, HINDI)
    assert response.status_code == 200
    assert '<html lang="hi" dir="ltr">' in html and form["language"] == "hi"
    assert re.search("[\u0900-\u097f]", re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1))
    assert html.count('name="rating"') == 5 and "Demo shop" in html
    assert f'href="/r/{code}?lang=sq"' in html
    _r, switched, _f = open_receipt(client, f"{code}?lang=sq", HINDI)
    assert '<html lang="sq"' in switched
    _r, fallback, _f = open_receipt(client, code, {"Accept-Language": "fr-FR"})
    assert '<html lang="en"' in fallback
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "kiosk.js" not in html and "link.js" in html


def test_the_sad_path_stores_one_receipt_response_and_thanks_without_promising_a_visit(
    client, app, demo
):
    code = mint(app, demo, number=77)
    _r, _html, page = open_receipt(client, code)
    tapped = client.post(page["action"], data=tap_form(page, 1), headers=PARTIAL)
    follow_up = form_of(tapped.get_data(as_text=True))
    assert tapped.status_code == 200 and "<html" not in tapped.get_data(as_text=True)
    assert follow_up["action"] == f"/r/{code}/{page['response_id']}"
    q = demo.question_ids
    answers = {
        f"q{q['topics']}": "waiting",
        f"q{q['comment']}": "The queue was long",
        f"q{q['contact']}-email": "ani@example.com",
        f"q{q['contact']}-consent": "yes",
        "form_token": follow_up["form_token"],
    }
    thanks = client.post(follow_up["action"], data=answers, headers=PARTIAL)
    text = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Thank you!" in text
    assert "will come to you" not in text  # the customer is at home, not at the counter
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert (response.channel, response.till, response.receipt_number) == (
            Channel.RECEIPT,
            2,
            77,
        )
        assert response.follow_up == FollowUp.GIVEN and response.customer.email
        assert response.alert is not None
    assert "ani@example.com" not in follow_up["action"]


def test_opening_it_again_after_answering_says_you_already_told_us(client, app, demo):
    code = mint(app, demo)
    _r, _html, page = open_receipt(client, code)
    client.post(page["action"], data=tap_form(page, 3))
    again, html, _form = open_receipt(client, code)
    assert again.status_code == 200
    assert "You already told us, thank you." in html and 'name="rating"' not in html
    _again, armenian, _form = open_receipt(client, code, {"Accept-Language": "hy"})
    assert '<html lang="hy"' in armenian and "already-answered" in armenian


def test_opening_it_again_before_the_follow_up_is_done_offers_the_follow_up(client, app, demo):
    code = mint(app, demo)
    _r, _html, page = open_receipt(client, code)
    client.post(page["action"], data=tap_form(page, 2))
    _again, html, form = open_receipt(client, code)
    assert "What went wrong?" in html
    assert form["action"] == f"/r/{code}/{page['response_id']}"
    assert client.post(form["action"], data={"form_token": form["form_token"]}).status_code == 200


def test_a_resend_is_200_and_a_second_answer_is_409(client, app, demo):
    code = mint(app, demo)
    _r, _html, first_page = open_receipt(client, code)
    _r, _html, second_page = open_receipt(client, code)  # a second tab, opened before answering
    assert client.post(first_page["action"], data=tap_form(first_page, 1)).status_code == 200
    assert client.post(first_page["action"], data=tap_form(first_page, 1)).status_code == 200
    replay = client.post(second_page["action"], data=tap_form(second_page, 5))
    assert replay.status_code == 409
    assert "You already told us, thank you." in replay.get_data(as_text=True)
    assert rows(app, Response) == 1 and rows(app, Alert) == 1 and rows(app, Answer) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # tampered
        lambda code: code[:20],  # truncated
        lambda code: code + "AAAA",  # lengthened
        lambda code: "B" + code[1:],  # another version
        lambda code: "not-a-receipt-code",
    ],
)
def test_damaged_codes_get_a_friendly_404_and_store_nothing(client, app, demo, damage):
    code = mint(app, demo)
    _r, _html, page = open_receipt(client, code)
    damaged = damage(code)
    response, html, _form = open_receipt(client, damaged)
    assert response.status_code == 404
    assert "This code does not work." in html and "scan the code on your receipt again" in html
    posted = client.post(f"/r/{damaged}", data=tap_form(page, 1))
    assert posted.status_code in (400, 404)
    assert rows(app, Response) == 0


def test_an_expired_code_says_so_with_410(client, app, demo):
    code = mint(app, demo, issued_at=utcnow() - timedelta(days=29, hours=23))
    _r, _html, page = open_receipt(client, code)
    with app.app_context():
        db.session.get(Location, demo.location_id).receipt_valid_days = 7
        db.session.commit()
    response, html, _form = open_receipt(client, code)
    assert response.status_code == 410
    assert "This code has expired." in html and "7 days" in html
    assert client.post(page["action"], data=tap_form(page, 1)).status_code == 410
    assert rows(app, Response) == 0


@pytest.mark.parametrize(
    ("headers", "token_change", "status"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, None, 403),
        ({"Origin": "https://evil.example"}, None, 403),
        ({}, "missing", 400),
        ({}, "forged", 400),
        ({}, "another receipt", 400),
        ({}, "another response", 400),
    ],
)
def test_forged_posts_are_refused(client, app, demo, headers, token_change, status):
    code = mint(app, demo, number=1)
    _r, _html, page = open_receipt(client, code)
    form = tap_form(page, 1)
    if token_change == "missing":
        del form["form_token"]
    elif token_change == "forged":
        form["form_token"] = form["form_token"][:-3] + "xyz"
    elif token_change == "another receipt":
        form["form_token"] = open_receipt(client, mint(app, demo, number=2))[2]["form_token"]
    elif token_change == "another response":
        form["response_id"] = str(uuid.uuid4())
    response = client.post(page["action"], data=form, headers=headers)
    assert response.status_code == status
    assert rows(app, Response) == 0


def test_a_stale_page_must_be_opened_again(client, app, demo, monkeypatch):
    code = mint(app, demo)
    _r, _html, page = open_receipt(client, code)
    monkeypatch.setattr("kiosk.link_guard.FORM_TOKEN_MAX_AGE_SECONDS", -1)
    response = client.post(page["action"], data=tap_form(page, 1))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please open the link again." in html and f'href="/r/{code}"' in html


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"rating=\xff", 400), (b"rating=1&language=en%00", 400), (b"x=" + b"a" * 70_000, 413)],
)
def test_unreadable_bodies_are_refused(client, app, demo, body, status):
    code = mint(app, demo)
    response = client.post(
        f"/r/{code}", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == status
    assert rows(app, Response) == 0


def test_bad_follow_up_comes_back_422_with_the_answers_kept(client, app, demo):
    code = mint(app, demo)
    _r, _html, page = open_receipt(client, code)
    follow_up = form_of(client.post(page["action"], data=tap_form(page, 1)).get_data(as_text=True))
    contact = f"q{demo.question_ids['contact']}"
    details = {f"{contact}-phone": "+374 10 123456", "form_token": follow_up["form_token"]}
    response = client.post(follow_up["action"], data=details, headers=PARTIAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="+374 10 123456"' in html
    assert 'name="form_token"' in html
    assert rows(app, Customer) == 0


def test_fifty_concurrent_submissions_of_one_receipt_give_one_response(app, live_server, demo):
    code = mint(app, demo)
    pages = []
    for _ in range(50):  # fifty phones opened the same receipt before anyone answered
        html = requests.get(f"{live_server}/r/{code}", timeout=30).text
        pages.append(form_of(html))

    def send(page):
        posted = requests.post(f"{live_server}/r/{code}", data=tap_form(page, 1), timeout=60)
        return posted.status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = sorted(pool.map(send, pages))
    assert statuses == [200] + [409] * 49
    assert rows(app, Response) == 1 and rows(app, Alert) == 1 and rows(app, Answer) == 1
