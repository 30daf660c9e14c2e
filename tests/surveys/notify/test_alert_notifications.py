"""What an alert enqueues, in the alert's own transaction, and for whom; no HTTP needed."""

import uuid

from sqlalchemy import func, select

from surveys.capture.responses import Tap, record_follow_up, record_tap
from surveys.db import db
from surveys.models import (
    Alert,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Question,
    Role,
    ShownWhen,
    Webhook,
    utcnow,
)
from surveys.notify.letters import letter
from surveys.notify.outbox import _facts
from surveys.places.locations import create_location
from tests.surveys.notify.conftest import add_manager, sad_tap


def messages(kind=None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


def test_a_sad_tap_queues_mail_to_the_locations_managers_and_a_call_to_its_webhook(
    device, demo, smtp, webhook
):
    add_manager("manager@shop.example", device.location)
    db.session.commit()
    response = sad_tap(device, demo)
    emails, calls = messages(MessageKind.EMAIL), messages(MessageKind.WEBHOOK)
    assert [m.destination for m in emails] == ["manager@shop.example"]
    assert [m.destination for m in calls] == [webhook.url]
    for message in emails + calls:
        assert message.alert_id == response.alert.id
        assert message.status == OutboxStatus.PENDING
        assert message.message_id.startswith("msg_") and "." not in message.message_id
        assert message.payload["event"] == "alert.raised"
        assert message.payload["facts"]["rating"] == 1


def test_the_messages_share_the_alerts_transaction(device, demo, smtp, webhook):
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "1", "en")
    record_tap(device, tap)
    assert len(messages()) == 2  # the owner's e-mail and the webhook call, not yet committed
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0
    assert messages() == []


def test_a_resent_tap_queues_nothing_twice(device, demo, smtp, webhook):
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "1", "en")
    record_tap(device, tap)
    db.session.commit()
    record_tap(device, tap)
    db.session.commit()
    assert len(messages()) == 2


def test_without_managers_the_owners_are_told_and_other_locations_managers_never(
    device, demo, smtp
):
    other = create_location("Elsewhere", "UTC", ["en"], "en")
    add_manager("other@shop.example", other)
    add_manager("staff@shop.example", device.location, role=Role.STAFF)
    gone = add_manager("gone@shop.example", device.location)
    gone.active = False
    db.session.commit()
    sad_tap(device, demo)
    assert [m.destination for m in messages()] == [demo.owner_email]


def test_without_smtp_no_mail_is_queued_but_webhooks_are(device, demo, webhook):
    sad_tap(device, demo)
    assert [m.kind for m in messages()] == [MessageKind.WEBHOOK]


def test_an_inactive_webhook_gets_nothing(device, demo, webhook):
    webhook.active = False
    db.session.commit()
    sad_tap(device, demo)
    assert messages() == []


def test_a_complaint_topic_mail_names_topics_but_no_customer_details(device, demo, smtp):
    # Rules are data: here a happy tap is asked for topics and contact too.
    for name in ["topics", "comment", "contact"]:
        db.session.get(Question, demo.question_ids[name]).shown_when = ShownWhen.POSITIVE
    db.session.commit()
    response = sad_tap(device, demo, rating=4)
    assert response.alert is None
    form = {
        f"q{demo.question_ids['topics']}": ["waiting"],
        f"q{demo.question_ids['comment']}": ["The queue took forever"],
        f"q{demo.question_ids['contact']}-name": ["Ani Petrosyan"],
        f"q{demo.question_ids['contact']}-email": ["ani@example.org"],
        f"q{demo.question_ids['contact']}-phone": ["+374 10 123456"],
        f"q{demo.question_ids['contact']}-consent": ["yes"],
    }
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    assert response.alert.reason == "topic"
    (message,) = messages()
    assert message.payload["facts"]["topics"] == ["waiting"]
    subject, body = letter("alert.raised", _facts(message))
    text = subject + body
    assert "Demo shop" in text and "Waiting time" in text and "http://localhost/admin/" in text
    for private in ["Ani", "ani@example.org", "123456", "forever"]:
        assert private not in text + str(message.payload)


def test_no_alert_no_messages(device, demo, smtp, webhook):
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "5", "en", utcnow().isoformat())
    record_tap(device, tap)
    db.session.commit()
    assert messages() == []
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 1
