"""Objects written with one INSERT … RETURNING behave as flushed ones: stored with their
defaults, seen by the after_insert listeners, and gone with a rollback."""

import uuid

from sqlalchemy import func, inspect, select

from surveys.cases.raising import raise_alert
from surveys.db import db
from surveys.direct_insert import insert_directly
from surveys.models import (
    Alert,
    Answer,
    Channel,
    Location,
    MetricAlert,
    Response,
    Survey,
    utcnow,
)


def new_response(demo, rating: int = 1) -> Response:
    survey = db.session.get(Survey, demo.survey_id)
    response = Response(
        uuid=str(uuid.uuid4()),
        survey=survey,
        location=db.session.get(Location, demo.location_id),
        channel=Channel.KIOSK,
        language="en",
        captured_at=utcnow(),
        rating=rating,
        is_negative=rating <= 2,
    )
    response.answers.append(Answer(question_id=survey.main_question.id, number=rating))
    return response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_written_response_is_stored_with_its_defaults_and_answer(app_context, demo):
    response = new_response(demo, rating=4)
    insert_directly(response, *response.answers)
    assert response in db.session and not db.session.new and not db.session.dirty
    assert response.id is not None and response.received_at is not None  # read back
    assert response.answers[0].response_id == response.id  # the parent's id, taken over
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.scalar(select(Response).where(Response.uuid == response.uuid))
    assert [answer.number for answer in stored.answers] == [4]


def test_a_raised_case_is_filed_for_the_dashboard_as_a_flushed_one_would_be(app_context, demo):
    response = new_response(demo, rating=1)
    insert_directly(response, *response.answers)
    alert = raise_alert(response, reason="rating")
    db.session.commit()
    assert alert.response is response and response.alert is alert
    copy = db.session.scalar(select(MetricAlert).where(MetricAlert.alert_id == alert.id))
    assert copy is not None and copy.location_id == demo.location_id


def test_a_rollback_takes_the_rows_and_leaves_the_objects_transient(app_context, demo):
    before = count(Response), count(Answer), count(Alert), count(MetricAlert)
    response = new_response(demo, rating=1)
    insert_directly(response, *response.answers)
    raise_alert(response, reason="rating")
    db.session.rollback()
    assert (count(Response), count(Answer), count(Alert), count(MetricAlert)) == before
    assert inspect(response).transient and inspect(response.answers[0]).transient
    assert inspect(response.alert).transient
    assert db.session.scalar(select(Response).where(Response.uuid == response.uuid)) is None
