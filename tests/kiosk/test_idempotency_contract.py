"""The contract the tablet's outbox relies on: any step may be sent again, any number of
times, in order, long after it was captured, and the server stores it once."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kiosk.offline import SERVER_TIME_HEADER
from surveys.db import db
from surveys.models import Answer, Device, FollowUp, Response, utcnow
from tests.kiosk.test_kiosk_http import PARTIAL, rows, tap_form


@pytest.fixture(autouse=True)
def paired_last_month(app, kiosk):
    """The tablet was paired a month ago, so answers from last week are believable."""
    with app.app_context():
        db.session.scalars(select(Device)).one().paired_at = utcnow() - timedelta(days=30)
        db.session.commit()


def test_a_tap_resent_days_later_is_the_same_tap(app, kiosk, demo):
    form = tap_form(demo, 1, seconds_ago=3 * 24 * 3600)
    first = kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    again = kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()  # the same next screen
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert utcnow() - response.captured_at > timedelta(days=2)


def test_every_answer_of_the_contract_carries_the_server_clock(kiosk, demo):
    form = tap_form(demo, 1)
    answers = [
        kiosk.post("/kiosk/responses", data=form),  # 200
        kiosk.post("/kiosk/responses", data=form | {"rating": "5"}),  # 409
        kiosk.post("/kiosk/responses", data=form | {"rating": "9"}),  # 422
        kiosk.post(f"/kiosk/responses/{uuid.uuid4()}/follow-up", data={}),  # 404
    ]
    assert [a.status_code for a in answers] == [200, 409, 422, 404]
    assert all(SERVER_TIME_HEADER in a.headers for a in answers)


def test_a_follow_up_before_its_tap_is_404_so_the_outbox_keeps_order(app, kiosk, demo):
    form = tap_form(demo, 2)
    url = f"/kiosk/responses/{form['response_id']}/follow-up"
    topics = {f"q{demo.question_ids['topics']}": "waiting"}
    assert kiosk.post(url, data=topics).status_code == 404
    assert kiosk.post("/kiosk/responses", data=form).status_code == 200
    assert kiosk.post(url, data=topics).status_code == 200
    assert kiosk.post(url, data=topics).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Response.follow_up)) == FollowUp.GIVEN
    assert rows(app, Answer) == 2


def test_a_refused_tap_stays_refused_and_stores_nothing(app, kiosk, demo):
    form = tap_form(demo, 1) | {"language": "xx"}
    statuses = {kiosk.post("/kiosk/responses", data=form).status_code for _ in range(3)}
    assert statuses == {422}
    assert rows(app, Response) == 0


def test_a_whole_queue_replayed_twice_stores_each_answer_once(app, kiosk, demo):
    queue = []
    for minutes_ago, rating in [(50, 1), (40, 5), (30, 3), (20, 2)]:
        form = tap_form(demo, rating, seconds_ago=minutes_ago * 60)
        queue.append(("/kiosk/responses", form))
        if rating in (1, 2):
            url = f"/kiosk/responses/{form['response_id']}/follow-up"
            queue.append((url, {f"q{demo.question_ids['comment']}": f"visit {minutes_ago}"}))
    for _replay in range(2):
        assert [kiosk.post(url, data=body).status_code for url, body in queue] == [200] * 6
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 4
        assert db.session.scalar(select(func.count(func.distinct(Response.uuid)))) == 4
        flags = db.session.scalars(select(Response.suspected_misuse))
        assert not any(flags)  # ten minutes apart in capture time, however late they came
    assert rows(app, Answer) == 6
