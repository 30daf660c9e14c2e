"""Web Push for real: a sad tap queues one outbox message per subscribed device of the
location's managers; the worker encrypts it for that device and a push service on loopback
decrypts it with the device's own keys and checks the VAPID signature."""

import pytest
from sqlalchemy import select

from surveys.capture.responses import record_follow_up
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import MessageKind, OutboxMessage, OutboxStatus, PushSubscription
from surveys.notify.outbox import deliver_next
from surveys.notify.push import ack_token_matches, application_server_key, subscribe
from surveys.notify.worker import deliver_due
from surveys.people.audit import Actor
from surveys.places.locations import create_location
from tests.surveys.notify.conftest import add_manager, later, sad_tap
from tests.surveys.notify.push_service import Device


def subscribed(user, push_service, name="phone"):
    device = Device()
    subscription = subscribe(
        user, device.subscription(push_service.endpoint_for(device, name)), Actor(user)
    )
    db.session.commit()
    return device, subscription


def pushes() -> list[OutboxMessage]:
    statement = select(OutboxMessage).where(OutboxMessage.kind == MessageKind.PUSH)
    return list(db.session.scalars(statement.order_by(OutboxMessage.id)))


def test_a_sad_tap_reaches_the_managers_phone_decrypted_and_signed(app, device, demo, push_service):
    manager = add_manager("manager@shop.example", device.location)
    subscribed(manager, push_service)
    response = sad_tap(device, demo, rating=2)
    form = {f"q{demo.question_ids['topics']}": ["waiting"]}
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    assert [m.alert_id for m in pushes()] == [response.alert.id]
    db.session.rollback()  # end the read: the worker writes
    deliver_due(app)
    [delivery] = push_service.wait_for(1)
    shown = delivery.notification
    assert shown is not None, "the push service could not decrypt the payload"
    assert device.location.name in shown["title"]
    assert "Rating 2 of 5" in shown["body"] and "waiting" in shown["body"].lower()
    assert shown["url"] == f"/admin/alerts/{response.alert.id}"
    assert shown["ack"]["url"] == f"/admin/alerts/{response.alert.id}/acknowledge-from-push"
    assert ack_token_matches(shown["ack"]["token"], manager.id, response.alert.id)
    assert not ack_token_matches(shown["ack"]["token"], manager.id + 1, response.alert.id)
    claims = delivery.vapid_claims
    assert claims is not None, "the VAPID signature did not verify"
    assert claims["k"] == application_server_key()
    assert claims["aud"] == f"http://127.0.0.1:{push_service.server.server_port}"
    assert delivery.headers["ttl"] and delivery.headers["content-encoding"] == "aes128gcm"
    assert pushes()[0].status == OutboxStatus.DELIVERED


def test_every_device_gets_its_own_message_and_other_shops_managers_none(
    app, device, demo, push_service
):
    manager = add_manager("manager@shop.example", device.location)
    elsewhere = add_manager("other@shop.example", create_location("Elsewhere", "UTC", ["en"], "en"))
    subscribed(manager, push_service, "phone")
    subscribed(manager, push_service, "laptop")
    subscribed(elsewhere, push_service, "theirs")
    sad_tap(device, demo)
    deliver_due(app)
    paths = sorted(d.path for d in push_service.wait_for(2))
    assert paths == ["/push/laptop", "/push/phone"]
    assert all(d.notification for d in push_service.deliveries)


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_dropped_is_removed(
    app, device, demo, push_service, status
):
    manager = add_manager("manager@shop.example", device.location)
    subscribed(manager, push_service)
    push_service.status = status
    sad_tap(device, demo)
    deliver_due(app)
    push_service.wait_for(1)
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription)).all() == []
    assert pushes()[0].status == OutboxStatus.DEAD


def test_an_unreachable_push_service_is_retried_and_the_alert_is_kept(
    app, device, demo, push_service
):
    manager = add_manager("manager@shop.example", device.location)
    subscribed(manager, push_service)
    push_service.stop()
    response = sad_tap(device, demo)
    assert response.alert is not None
    deliver_due(app)
    db.session.expire_all()
    [message] = pushes()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.last_error
    assert db.session.scalars(select(PushSubscription)).one()  # kept: it may come back


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"endpoint": "https://push.example/x"},
        {"endpoint": "https://push.example/x", "keys": {"p256dh": "not-a-key", "auth": "AAAA"}},
        {"endpoint": "ftp://push.example/x", "keys": {"p256dh": "A" * 87, "auth": "A" * 22}},
        {"endpoint": "http://10.0.0.1/push", "keys": {"p256dh": "A" * 87, "auth": "A" * 22}},
        {"endpoint": "https://push.example/" + "x" * 3000, "keys": {}},
    ],
)
def test_a_broken_subscription_is_refused_and_nothing_kept(app, device, body):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    manager = add_manager("manager@shop.example", device.location)
    with pytest.raises(SubmissionInvalid):
        subscribe(manager, body, Actor(manager))
    db.session.rollback()
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_the_same_browser_subscribing_again_updates_its_row(app, device, push_service):
    manager = add_manager("manager@shop.example", device.location)
    phone = Device()
    endpoint = push_service.endpoint_for(phone, "phone")
    subscribe(manager, phone.subscription(endpoint, "Old name"), Actor(manager))
    subscribe(manager, phone.subscription(endpoint, "Kitchen phone"), Actor(manager))
    db.session.commit()
    [row] = db.session.scalars(select(PushSubscription)).all()
    assert row.label == "Kitchen phone"


def test_a_retry_later_is_still_decryptable(app, device, demo, push_service):
    manager = add_manager("manager@shop.example", device.location)
    subscribed(manager, push_service)
    push_service.status = 503
    sad_tap(device, demo)
    deliver_due(app)
    push_service.status = 201
    assert deliver_next(later())
    deliveries = push_service.wait_for(2)
    assert deliveries[-1].notification is not None
