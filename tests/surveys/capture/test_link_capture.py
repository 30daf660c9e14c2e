"""The one capture service for channels without a device: receipts and posters."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from surveys.authoring.templates import create_quick_faces_survey
from surveys.capture import responses as capture
from surveys.capture.responses import (
    Source,
    Tap,
    follow_up_questions,
    record_follow_up,
    record_tap,
    survey_for,
)
from surveys.channels.posters import open_poster, poster_code
from surveys.channels.receipts import mint_receipt, receipt_source
from surveys.db import db
from surveys.errors import AlreadyAnswered, NotFound
from surveys.models import (
    Channel,
    FollowUp,
    Location,
    QuestionKind,
    Response,
    SurveyAssignment,
    utcnow,
)
from surveys.places.devices import device_for_pairing_code, pair_device
from surveys.places.locations import assign_survey


@pytest.fixture
def location(app, demo):
    """The demo location, inside an app context."""
    with app.app_context():
        yield db.session.get(Location, demo.location_id)


def a_tap(demo, rating, language="en"):
    return Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), str(rating), language)


def receipt(location, staff_id=None, number=1):
    issued = utcnow().replace(microsecond=0) - timedelta(days=2)
    code = mint_receipt(location, till=4, number=number, issued_at=issued, staff_id=staff_id).code
    return receipt_source(code), issued


def test_a_receipt_response_carries_the_receipts_location_till_and_time(location, demo):
    source, issued = receipt(location, number=812)
    response = record_tap(source, a_tap(demo, 1, language="hy"))
    db.session.commit()
    assert response.channel == Channel.RECEIPT and response.device_id is None
    assert (response.location_id, response.till, response.receipt_number) == (location.id, 4, 812)
    assert response.receipt_issued_at == issued
    assert response.receipt_token == f"{location.id}-4-812-{int(issued.timestamp())}"
    assert response.language == "hy"
    assert response.is_negative and response.alert is not None
    assert response.staff_id is None and not response.staff_from_till


def test_the_staff_member_the_till_named_is_kept_and_not_asked_again(location, demo):
    ravi = demo.staff_ids["Ravi"]
    source, _issued = receipt(location, staff_id=ravi)
    response = record_tap(source, a_tap(demo, 2))
    db.session.commit()
    assert (response.staff_id, response.staff_from_till) == (ravi, True)
    assert not response.staff_praised
    kinds = [q.kind for q in follow_up_questions(response)]
    assert QuestionKind.STAFF not in kinds and QuestionKind.CONTACT in kinds
    staff_question = f"q{demo.question_ids['served_by']}"
    record_follow_up(source, response.uuid, {staff_question: [str(demo.staff_ids["Leyla"])]})
    assert response.staff_id == ravi  # the follow-up has no staff question to change it


def test_praise_reaches_the_staff_member_the_till_named(location, demo):
    source, _issued = receipt(location, staff_id=demo.staff_ids["Leyla"])
    response = record_tap(source, a_tap(demo, 5))
    # The only praise question asks who served, which the till already said: done at once.
    assert response.follow_up == FollowUp.NONE
    assert response.staff_praised and response.staff_id == demo.staff_ids["Leyla"]


def test_poster_answers_are_not_flagged_as_misuse_however_close(location, demo):
    source = open_poster(poster_code(location)).source
    responses = [record_tap(source, a_tap(demo, 1)) for _ in range(3)]
    db.session.commit()
    assert [r.suspected_misuse for r in responses] == [False, False, False]
    assert all(r.alert is not None and r.channel == Channel.LINK for r in responses)
    assert all(r.device_id is None and r.receipt_token is None for r in responses)


def test_the_kiosk_misuse_interval_still_holds_beside_poster_answers(location, demo):
    device = device_for_pairing_code(demo.pairing_code)
    pair_device(device)
    record_tap(open_poster(poster_code(location)).source, a_tap(demo, 1))
    first = record_tap(device, a_tap(demo, 1))
    second = record_tap(device, a_tap(demo, 1))
    assert not first.suspected_misuse and second.suspected_misuse


def test_a_follow_up_must_come_from_the_source_of_its_response(location, demo):
    device = device_for_pairing_code(demo.pairing_code)
    pair_device(device)
    poster = open_poster(poster_code(location)).source
    receipt_one, _ = receipt(location, number=1)
    receipt_two, _ = receipt(location, number=2)
    kiosk_response = record_tap(device, a_tap(demo, 1))
    receipt_response = record_tap(receipt_one, a_tap(demo, 1))
    db.session.commit()
    for source, response in [
        (poster, kiosk_response),
        (poster, receipt_response),
        (receipt_two, receipt_response),
        (Source.of_device(device), receipt_response),
    ]:
        with pytest.raises(NotFound):
            record_follow_up(source, response.uuid, {})


def test_link_and_receipt_fall_back_to_the_kiosk_survey(location, demo):
    db.session.execute(delete(SurveyAssignment).where(SurveyAssignment.channel != Channel.KIOSK))
    assert survey_for(location.id, Channel.RECEIPT).id == demo.survey_id
    own = create_quick_faces_survey("Receipts only")
    db.session.flush()
    assign_survey(own, location, Channel.RECEIPT)
    db.session.flush()
    assert survey_for(location.id, Channel.RECEIPT) == own
    assert survey_for(location.id, Channel.LINK).id == demo.survey_id
    source, _ = receipt(location)
    tap = Tap(str(uuid.uuid4()), str(own.main_question.id), "3", "en")
    assert record_tap(source, tap).survey == own


def test_the_database_refuses_a_second_response_for_a_receipt(location, demo):
    source, _issued = receipt(location)
    first = record_tap(source, a_tap(demo, 1))
    db.session.commit()
    twin = Response(
        uuid=str(uuid.uuid4()),
        survey_id=first.survey_id,
        location_id=location.id,
        channel=Channel.RECEIPT,
        language="en",
        captured_at=utcnow(),
        receipt_token=first.receipt_token,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_losing_the_race_at_the_unique_token_is_already_answered(location, demo, monkeypatch):
    source, _issued = receipt(location)
    record_tap(source, a_tap(demo, 1))
    db.session.commit()
    real_lookup = capture.answer_to_receipt
    lookups = []

    def racing_lookup(receipt):
        """The first look finds nothing, as when the winner commits just after it."""
        lookups.append(receipt)
        return None if len(lookups) == 1 else real_lookup(receipt)

    monkeypatch.setattr(capture, "answer_to_receipt", racing_lookup)
    with pytest.raises(AlreadyAnswered):
        record_tap(source, a_tap(demo, 5))
    assert len(lookups) == 2
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
