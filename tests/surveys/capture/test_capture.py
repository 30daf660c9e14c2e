"""The capture service without HTTP: store, classify, alert, idempotency, misuse."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from surveys.capture.responses import Tap, record_follow_up, record_tap
from surveys.db import db
from surveys.errors import NotFound, SubmissionConflict, SubmissionInvalid
from surveys.models import (
    Alert,
    AlertStatus,
    Answer,
    Customer,
    FollowUp,
    Question,
    Response,
    ShownWhen,
)
from surveys.models import utcnow as now
from surveys.places.devices import create_device, pair_device


def tap(demo, rating, *, at=None, response_uuid=None, language="en"):
    """A first tap on the demo survey's faces."""
    return Tap(
        response_uuid=response_uuid or str(uuid.uuid4()),
        question_id=str(demo.question_ids["rating"]),
        rating=str(rating),
        language=language,
        captured_at=(at or now()).isoformat() + "Z",
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unhappy_tap_is_stored_with_an_alert_in_one_go(device, demo):
    response = record_tap(device, tap(demo, 2))
    db.session.commit()
    assert response.rating == 2
    assert response.is_negative
    assert response.follow_up == FollowUp.OFFERED
    assert response.alert.status == AlertStatus.NEW
    assert [a.number for a in response.answers] == [2]


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_neutral_and_happy_taps_raise_no_alert(device, demo, rating):
    response = record_tap(device, tap(demo, rating))
    db.session.commit()
    assert not response.is_negative
    assert count(Alert) == 0


def test_threshold_is_data_on_the_survey(device, demo):
    question = db.session.get(Question, demo.question_ids["rating"])
    question.negative_at_or_below = 3
    db.session.commit()
    response = record_tap(device, tap(demo, 3))
    assert response.is_negative and response.alert is not None


def test_happy_tap_offers_praise_and_neutral_does_not(device, demo):
    happy = record_tap(device, tap(demo, 5))
    neutral = record_tap(device, tap(demo, 3, at=now() + timedelta(seconds=30)))
    assert happy.follow_up == FollowUp.OFFERED
    assert neutral.follow_up == FollowUp.NONE


def test_resending_the_same_tap_stores_nothing_new(device, demo):
    first = tap(demo, 1)
    record_tap(device, first)
    db.session.commit()
    again = record_tap(device, first)
    db.session.commit()
    assert again.uuid == first.response_uuid
    assert count(Response) == 1 and count(Alert) == 1 and count(Answer) == 1


def test_same_id_with_another_rating_is_a_conflict(device, demo):
    first = tap(demo, 1)
    record_tap(device, first)
    db.session.commit()
    with pytest.raises(SubmissionConflict):
        record_tap(device, tap(demo, 5, response_uuid=first.response_uuid))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rating", "0"),
        ("rating", "6"),
        ("rating", "-1"),
        ("rating", "abc"),
        ("question_id", "999999"),
        ("response_uuid", "not-a-uuid"),
        ("language", "fr"),
        ("captured_at", "yesterday"),
    ],
)
def test_bad_taps_are_refused_and_nothing_is_stored(device, demo, field, value):
    bad = tap(demo, 1).__dict__ | {field: value}
    with pytest.raises(SubmissionInvalid):
        record_tap(device, Tap(**bad))
    db.session.rollback()
    assert count(Response) == 0


def test_taps_faster_than_the_interval_are_flagged_and_raise_no_alert(device, demo):
    start = now()
    first = record_tap(device, tap(demo, 1, at=start))
    hammered = record_tap(device, tap(demo, 1, at=start + timedelta(seconds=2)))
    later = record_tap(device, tap(demo, 1, at=start + timedelta(seconds=20)))
    db.session.commit()
    assert not first.suspected_misuse and first.alert is not None
    assert hammered.suspected_misuse and hammered.alert is None
    assert not later.suspected_misuse and later.alert is not None


def test_a_wild_client_clock_falls_back_to_server_time(device, demo):
    response = record_tap(device, tap(demo, 4, at=now() + timedelta(days=3)))
    assert abs(response.captured_at - response.received_at) < timedelta(seconds=5)


def follow_up_form(demo, **fields):
    q = demo.question_ids
    form = {
        "topics": (f"q{q['topics']}", fields.get("topics", ["waiting"])),
        "comment": (f"q{q['comment']}", [fields.get("comment", "")]),
        "served_by": (f"q{q['served_by']}", [fields.get("served_by", "")]),
        "name": (f"q{q['contact']}-name", [fields.get("name", "")]),
        "phone": (f"q{q['contact']}-phone", [fields.get("phone", "")]),
        "email": (f"q{q['contact']}-email", [fields.get("email", "")]),
        "consent": (f"q{q['contact']}-consent", [fields.get("consent", "")]),
    }
    return dict(form.values())


def test_follow_up_joins_the_same_response_and_alert(device, demo):
    response = record_tap(device, tap(demo, 1))
    db.session.commit()
    form = follow_up_form(
        demo,
        topics=["waiting", "staff"],
        comment="Հերթը շատ երկար էր",
        served_by=str(demo.staff_ids["Ravi"]),
        name="Ani",
        phone="+374 10 123456",
        consent="yes",
    )
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    assert count(Response) == 1 and count(Alert) == 1
    assert response.follow_up == FollowUp.GIVEN and not response.is_partial
    assert sorted(a.choice for a in response.answers if a.choice) == ["staff", "waiting"]
    assert [a.text for a in response.answers if a.text] == ["Հերթը շատ երկար էր"]
    assert response.staff_id == demo.staff_ids["Ravi"] and not response.staff_praised
    assert response.customer.phone == "+374 10 123456"
    assert "contact me" in response.customer.consent_text


def test_follow_up_resend_is_idempotent_and_a_changed_one_conflicts(device, demo):
    response = record_tap(device, tap(demo, 1))
    form = follow_up_form(demo, comment="slow")
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    assert count(Answer) == 3  # rating, one topic, the comment
    with pytest.raises(SubmissionConflict):
        record_follow_up(device, response.uuid, follow_up_form(demo, comment="other words"))


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"phone": "+374 10 123456"}, "consent"),
        ({"consent": "yes"}, "email"),
        ({"email": "not-an-address", "consent": "yes"}, "email"),
        ({"topics": ["teleportation"]}, "q"),
        ({"comment": "x" * 2001}, "q"),
        ({"comment": "nul\x00byte"}, "q"),
        ({"served_by": "999"}, "q"),
    ],
)
def test_bad_follow_ups_are_refused_with_a_message_and_keep_the_tap(
    device, demo, fields, error_field
):
    response = record_tap(device, tap(demo, 1))
    db.session.commit()
    with pytest.raises(SubmissionInvalid) as refused:
        record_follow_up(device, response.uuid, follow_up_form(demo, **fields))
    db.session.rollback()
    assert any(error_field in name for name in refused.value.errors)
    assert all(str(message) for message in refused.value.errors.values())
    assert count(Customer) == 0
    assert db.session.get(Response, response.id).follow_up == FollowUp.OFFERED


def test_walking_away_keeps_the_rating_as_a_partial_response(device, demo):
    response = record_tap(device, tap(demo, 1))
    db.session.commit()
    assert response.is_partial and response.rating == 1 and response.alert is not None


def test_praise_names_the_staff_member(device, demo):
    response = record_tap(device, tap(demo, 5))
    praise = {f"q{demo.question_ids['praise']}": [str(demo.staff_ids["Leyla"])]}
    record_follow_up(device, response.uuid, praise)
    db.session.commit()
    assert response.staff_id == demo.staff_ids["Leyla"] and response.staff_praised


def test_a_complaint_topic_makes_a_response_negative(device, demo):
    topics = db.session.get(Question, demo.question_ids["topics"])
    topics.shown_when = ShownWhen.POSITIVE  # a survey that asks about topics after a happy tap
    db.session.commit()
    response = record_tap(device, tap(demo, 4))
    assert not response.is_negative and response.alert is None
    record_follow_up(device, response.uuid, {f"q{topics.id}": ["waiting"]})
    db.session.commit()
    assert response.is_negative
    assert response.alert.reason == "topic"


def test_a_topic_that_is_no_complaint_keeps_a_response_positive(device, demo):
    topics = db.session.get(Question, demo.question_ids["topics"])
    topics.shown_when = ShownWhen.POSITIVE
    db.session.commit()
    response = record_tap(device, tap(demo, 4))
    record_follow_up(device, response.uuid, {f"q{topics.id}": ["other"]})
    assert not response.is_negative and response.alert is None


def test_another_devices_response_is_not_found(device, demo, app):
    response = record_tap(device, tap(demo, 1))
    db.session.commit()
    other, _code = create_device(device.location, "Till 2")
    pair_device(other)
    db.session.commit()
    with pytest.raises(NotFound):
        record_follow_up(other, response.uuid, follow_up_form(demo))
