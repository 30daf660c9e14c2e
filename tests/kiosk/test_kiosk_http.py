"""Each kiosk step over HTTP: screens, idempotency, misuse, partial responses, bad input."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from surveys.cases.presence import PRESENCE_TTL
from surveys.db import db
from surveys.models import (
    Alert,
    Answer,
    Customer,
    FollowUp,
    InboxPresence,
    Location,
    Response,
    utcnow,
)
from tests.case_factories import csrf_headers, reachable_by_push, sign_in
from tests.conftest import fresh_response_id

PARTIAL = {"HX-Request-Type": "partial"}


def tap_form(demo, rating, response_id=None, language="en", seconds_ago=0):
    return {
        "response_id": response_id or str(uuid.uuid4()),
        "question": str(demo.question_ids["rating"]),
        "rating": str(rating),
        "language": language,
        "captured_at": (utcnow() - timedelta(seconds=seconds_ago)).isoformat() + "Z",
    }


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_start_screen_shows_five_faces_and_every_language(kiosk):
    response = kiosk.get("/kiosk/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "How was your visit today?" in html
    assert html.count('name="rating"') == 5
    for name in ["English", "Հայերեն", "हिन्दी", "Azərbaycanca", "Shqip"]:
        assert name in html
    assert response.headers["Cache-Control"] == "no-store"


def test_language_switch_is_one_link_and_unknown_languages_fall_back(kiosk):
    assert '<html lang="hy" dir="ltr">' in kiosk.get("/kiosk/?lang=hy").get_data(as_text=True)
    assert '<html lang="en"' in kiosk.get("/kiosk/?lang=xx").get_data(as_text=True)


def test_the_start_screen_offers_a_new_response_id_each_time(kiosk):
    first = fresh_response_id(kiosk.get("/kiosk/").get_data(as_text=True))
    second = fresh_response_id(kiosk.get("/kiosk/").get_data(as_text=True))
    assert first != second


def test_htmx_gets_the_screen_alone_and_a_plain_post_the_whole_page(kiosk, demo):
    partial = kiosk.post("/kiosk/responses", data=tap_form(demo, 3), headers=PARTIAL)
    full = kiosk.post("/kiosk/responses", data=tap_form(demo, 3, seconds_ago=60))
    assert "<html" not in partial.get_data(as_text=True)
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request-Type" in partial.headers["Vary"]


def test_unhappy_tap_opens_the_follow_up_and_stores_the_alert_at_once(app, kiosk, demo):
    response = kiosk.post("/kiosk/responses", data=tap_form(demo, 1), headers=PARTIAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What went wrong?" in html and "Waiting time" in html and "Anahit" in html
    assert 'type="checkbox" name="q' in html and "checked" not in html  # consent unticked
    assert rows(app, Alert) == 1


def test_follow_up_thanks_with_the_manager_message_when_one_is_on_duty(app, kiosk, demo):
    with app.app_context():
        reachable_by_push(db.session.get(Location, demo.location_id))
        db.session.commit()
    form = tap_form(demo, 2)
    kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    url = f"/kiosk/responses/{form['response_id']}/follow-up"
    thanks = kiosk.post(url, data={f"q{demo.question_ids['topics']}": "waiting"}, headers=PARTIAL)
    assert thanks.status_code == 200
    assert "A manager has been told and will come to you." in thanks.get_data(as_text=True)


def test_no_promise_of_a_manager_when_none_is_on_duty(app, kiosk, demo):
    with app.app_context():
        db.session.get(Location, demo.location_id).manager_on_duty = False
        db.session.commit()
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    thanks = kiosk.post(f"/kiosk/responses/{form['response_id']}/follow-up", data={})
    html = thanks.get_data(as_text=True)
    assert "Thank you!" in html and "manager" not in html


def test_the_promise_is_made_only_while_a_manager_has_the_inbox_open(app, kiosk, demo):
    """No manager on duty: the promise follows the inbox's presence reports, and lapses."""
    with app.app_context():
        db.session.get(Location, demo.location_id).manager_on_duty = False
        db.session.commit()

    def thanks_after_a_sad_tap(seconds_ago: int) -> str:
        form = tap_form(demo, 1, seconds_ago=seconds_ago)
        kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
        url = f"/kiosk/responses/{form['response_id']}/follow-up"
        return kiosk.post(url, data={}, headers=PARTIAL).get_data(as_text=True)

    assert "A manager has been told" not in thanks_after_a_sad_tap(60)
    inbox = app.test_client()
    sign_in(inbox, demo.owner_email, demo.owner_password)
    inbox.post("/admin/alerts/presence", headers=csrf_headers(inbox))
    assert "A manager has been told and will come to you." in thanks_after_a_sad_tap(30)
    with app.app_context():
        db.session.execute(update(InboxPresence).values(seen_at=utcnow() - PRESENCE_TTL))
        db.session.commit()
    assert "A manager has been told" not in thanks_after_a_sad_tap(0)


def test_happy_tap_offers_praise_and_neutral_goes_straight_to_thanks(kiosk, demo):
    happy = kiosk.post("/kiosk/responses", data=tap_form(demo, 5, seconds_ago=60))
    neutral = kiosk.post("/kiosk/responses", data=tap_form(demo, 3))
    assert "Who made your day?" in happy.get_data(as_text=True)
    assert "Leyla" in happy.get_data(as_text=True)
    assert "Thank you!" in neutral.get_data(as_text=True)
    assert "data-reset-after" in neutral.get_data(as_text=True)


def test_resent_tap_returns_success_and_stores_nothing_new(app, kiosk, demo):
    form = tap_form(demo, 1)
    assert kiosk.post("/kiosk/responses", data=form).status_code == 200
    assert kiosk.post("/kiosk/responses", data=form).status_code == 200
    assert rows(app, Response) == 1 and rows(app, Alert) == 1


def test_same_id_different_rating_is_409(app, kiosk, demo):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    conflict = kiosk.post("/kiosk/responses", data=form | {"rating": "5"})
    assert conflict.status_code == 409
    assert "already recorded" in conflict.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Response.rating)) == 1


def test_follow_up_resend_is_200_and_a_different_one_is_409(app, kiosk, demo):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    url = f"/kiosk/responses/{form['response_id']}/follow-up"
    comment = f"q{demo.question_ids['comment']}"
    assert kiosk.post(url, data={comment: "slow"}).status_code == 200
    assert kiosk.post(url, data={comment: "slow"}).status_code == 200
    assert kiosk.post(url, data={comment: "rude"}).status_code == 409
    assert rows(app, Answer) == 2


def paired_session(live_server, demo) -> requests.Session:
    session = requests.Session()
    paired = session.post(f"{live_server}/kiosk/pair/{demo.pairing_code}", allow_redirects=False)
    assert paired.status_code == 303
    return session


def test_five_identical_parallel_taps_give_one_row(app, live_server, demo):
    session = paired_session(live_server, demo)
    form = tap_form(demo, 1)

    def send(_):
        return session.post(f"{live_server}/kiosk/responses", data=form, timeout=30).status_code

    with ThreadPoolExecutor(5) as pool:
        statuses = list(pool.map(send, range(5)))
    assert statuses == [200] * 5
    assert rows(app, Response) == 1 and rows(app, Alert) == 1 and rows(app, Answer) == 1


def test_five_identical_parallel_follow_ups_store_the_answers_once(app, live_server, demo):
    session = paired_session(live_server, demo)
    form = tap_form(demo, 1)
    session.post(f"{live_server}/kiosk/responses", data=form, timeout=30)
    url = f"{live_server}/kiosk/responses/{form['response_id']}/follow-up"
    answers = {f"q{demo.question_ids['topics']}": ["waiting", "price"]}

    def send(_):
        return session.post(url, data=answers, timeout=30).status_code

    with ThreadPoolExecutor(5) as pool:
        statuses = list(pool.map(send, range(5)))
    assert statuses == [200] * 5
    assert rows(app, Answer) == 3


def test_taps_faster_than_the_interval_are_kept_but_flagged(app, kiosk, demo):
    for seconds_ago in (3, 2, 1):
        kiosk.post("/kiosk/responses", data=tap_form(demo, 1, seconds_ago=seconds_ago))
    with app.app_context():
        flags = db.session.scalars(select(Response.suspected_misuse).order_by(Response.id))
        assert list(flags) == [False, True, True]
    assert rows(app, Alert) == 1


def test_a_tap_without_follow_up_stays_as_a_partial_response(app, kiosk, demo):
    kiosk.post("/kiosk/responses", data=tap_form(demo, 2))
    kiosk.get("/kiosk/")  # the kiosk reset after the idle timeout
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.rating == 2 and response.follow_up == FollowUp.OFFERED
        assert response.is_partial and response.alert is not None


def test_html_in_free_text_is_shown_as_text(app, kiosk, demo):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    url = f"/kiosk/responses/{form['response_id']}/follow-up"
    q = demo.question_ids
    hostile = "<script>alert(1)</script>"
    page = kiosk.post(url, data={f"q{q['comment']}": hostile, f"q{q['contact']}-phone": "12345"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Please tick the box so that we may contact you." in html


# Bad input: a clear message and a 4xx, never a 500, never a half-stored response.


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"response_id=%FF%FE&rating=1", "application/x-www-form-urlencoded", 400),
        (b"rating=1&language=en%00", "application/x-www-form-urlencoded", 400),
        (b"rating=\xff", "application/x-www-form-urlencoded", 400),
        (b'{"rating": 1}', "application/json", 400),
        (b"x=" + b"a" * 70_000, "application/x-www-form-urlencoded", 413),
    ],
)
def test_unreadable_bodies_are_refused(app, kiosk, body, content_type, status):
    response = kiosk.post("/kiosk/responses", data=body, content_type=content_type)
    assert response.status_code == status
    assert rows(app, Response) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": "7"}, "Please choose one of the faces."),
        ({"rating": ""}, "Please choose one of the faces."),
        ({"question": "12345"}, "This question is not part of the survey."),
        ({"response_id": "1; DROP TABLE response"}, "This answer has no valid id"),
        ({"language": "xx"}, "This language is not offered here."),
        # Found by tests/fuzz: "²" passes str.isdigit() but not int(); a 40-digit id
        # overflowed SQLite's integers. Both were server errors.
        ({"rating": "²"}, "Please choose one of the faces."),
        ({"question": "9" * 40}, "This question is not part of the survey."),
        ({"question": "²"}, "This question is not part of the survey."),
    ],
)
def test_bad_taps_get_a_clear_422(app, kiosk, demo, changes, message):
    response = kiosk.post("/kiosk/responses", data=tap_form(demo, 1) | changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app, Response) == 0


def test_contact_without_consent_keeps_no_details_and_says_why(app, kiosk, demo):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    q = demo.question_ids
    details = {f"q{q['contact']}-name": "Ani", f"q{q['contact']}-email": "ani@example.com"}
    response = kiosk.post(f"/kiosk/responses/{form['response_id']}/follow-up", data=details)
    assert response.status_code == 422
    assert 'value="ani@example.com"' in response.get_data(as_text=True)  # nothing retyped
    assert rows(app, Customer) == 0


@pytest.mark.parametrize("value", ["²", "9" * 40])
def test_numbers_that_are_not_plain_digits_in_a_follow_up_are_a_422(app, kiosk, demo, value):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    q = demo.question_ids
    fields = {f"q{q['served_by']}": value}  # found by tests/fuzz: was a server error
    response = kiosk.post(f"/kiosk/responses/{form['response_id']}/follow-up", data=fields)
    assert response.status_code == 422
    assert "Please choose from the list." in response.get_data(as_text=True)


def test_a_name_longer_than_its_column_is_a_422(app, kiosk, demo):
    form = tap_form(demo, 1)
    kiosk.post("/kiosk/responses", data=form)
    contact = f"q{demo.question_ids['contact']}"
    fields = {f"{contact}-name": "A" * 121, f"{contact}-email": "ani@example.com"}
    fields[f"{contact}-consent"] = "yes"  # PostgreSQL refused the name: a server error
    response = kiosk.post(f"/kiosk/responses/{form['response_id']}/follow-up", data=fields)
    assert response.status_code == 422
    assert "Please keep it under 120 characters." in response.get_data(as_text=True)
    assert rows(app, Customer) == 0


def test_follow_up_for_an_unknown_response_is_404(kiosk):
    response = kiosk.post(f"/kiosk/responses/{uuid.uuid4()}/follow-up", data={})
    assert response.status_code == 404
    assert "This survey is not available here." in response.get_data(as_text=True)


def test_errors_speak_the_customers_language(app, kiosk, demo):
    response = kiosk.post("/kiosk/responses", data=tap_form(demo, 9, language="hy"))
    assert response.status_code == 422
    assert "Please choose one of the faces." not in response.get_data(as_text=True)
    assert '<html lang="hy"' in response.get_data(as_text=True)


def test_an_id_too_big_for_the_database_is_a_404(kiosk):
    # Found by tests/fuzz: any <int:...> address with a 20-digit id was a server error.
    assert kiosk.get(f"/kiosk/brand/{10**20}.css").status_code == 404
    assert kiosk.get(f"/kiosk/brand/{2**31}/logo.png").status_code == 404
