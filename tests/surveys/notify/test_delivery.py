"""Delivery to a real SMTP server and a real HTTP receiver: signatures, retries, giving up."""

import json
import sqlite3
import time

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.models import MessageKind, OutboxMessage, OutboxStatus, Webhook
from surveys.notify.outbox import claim_next, deliver_next, prepare, retry_delay, settle
from surveys.notify.targets import add_webhook
from tests.conftest import TEST_DATABASE_URL
from tests.surveys.notify.conftest import add_manager, later, sad_tap
from tests.surveys.notify.receiver import verify_standard_webhook


def only(kind) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).one()


def deliver_all(now=None) -> int:
    """Deliver what is due at `now` (default: the real now); how many were attempted."""
    count = 0
    while deliver_next(now):
        count += 1
    return count


def test_the_alert_mail_reaches_the_smtp_server(device, demo, smtp):
    add_manager("manager@shop.example", device.location)
    db.session.commit()
    sad_tap(device, demo, rating=2)
    assert deliver_all() == 1
    (mail,) = smtp.messages
    assert mail["To"] == "manager@shop.example"
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Reply-To"] is None
    assert mail["Subject"] == "Demo shop: a customer rated their visit 2 of 5"
    message = only(MessageKind.EMAIL)
    assert f"Open the case: http://localhost/admin/alerts/{message.alert_id}" in mail.get_payload()
    assert mail["Message-ID"] == f"<{message.message_id}@counterpulse>"
    assert message.status == OutboxStatus.DELIVERED and message.delivered_at is not None
    assert message.attempts == 1 and message.claim_token is None


def test_a_webhook_call_is_signed_to_the_standard_webhooks_spec(device, demo, receiver, webhook):
    response = sad_tap(device, demo)
    assert deliver_all() == 1
    (request,) = receiver.log
    message = only(MessageKind.WEBHOOK)
    assert request.verified
    assert request.webhook_id == message.message_id
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["type"] == "alert.raised"
    assert body["timestamp"].endswith("Z")
    assert body["data"]["alert_id"] == response.alert.id
    assert body["data"]["location"] == "Demo shop" and body["data"]["rating"] == 1
    assert message.status == OutboxStatus.DELIVERED


def test_the_receivers_check_refuses_a_wrong_secret_or_a_changed_body(device, demo, receiver):
    hook, secret = add_webhook(device.location, receiver.url, "generic")
    db.session.commit()
    receiver.secret = secret
    sad_tap(device, demo)
    deliver_all()
    (request,) = receiver.log
    now = time.time()
    assert verify_standard_webhook(secret, request.headers, request.body, now)
    assert not verify_standard_webhook(secret, request.headers, request.body + b" ", now)
    other = "whsec_" + "QUJD" * 8
    assert not verify_standard_webhook(other, request.headers, request.body, now)
    assert not verify_standard_webhook(secret, request.headers, request.body, now + 3600)


@pytest.mark.parametrize("preset", ["slack", "teams"])
def test_slack_and_teams_presets_send_their_own_shapes(device, demo, receiver, preset):
    add_webhook(device.location, receiver.url, preset)
    db.session.commit()
    sad_tap(device, demo)
    deliver_all()
    body = receiver.log[0].json()
    if preset == "slack":
        assert body["text"].startswith("*Demo shop: a customer rated their visit 1 of 5*")
    else:
        card = body["attachments"][0]["content"]
        assert body["type"] == "message" and card["type"] == "AdaptiveCard"
        assert card["body"][0]["text"] == "Demo shop: a customer rated their visit 1 of 5"
    assert "webhook-signature" in receiver.log[0].headers


def test_an_error_answer_is_retried_with_the_same_id_and_the_same_body(
    device, demo, receiver, webhook
):
    receiver.status = 500
    sad_tap(device, demo)
    assert deliver_all() == 1  # the retry waits for its backoff
    message = only(MessageKind.WEBHOOK)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at > message.created_at
    assert message.last_error.startswith("HTTP 500")
    receiver.status = 200
    assert deliver_all(later()) == 1
    first, second = receiver.log
    assert first.webhook_id == second.webhook_id == message.message_id
    assert first.body == second.body
    assert first.verified and second.verified
    assert only(MessageKind.WEBHOOK).status == OutboxStatus.DELIVERED
    assert receiver.delivered_ids() == [message.message_id]


def test_a_receiver_that_is_down_gets_the_message_once_it_is_up(device, demo, receiver, webhook):
    receiver.stop()
    sad_tap(device, demo)
    deliver_all()
    down = only(MessageKind.WEBHOOK)
    assert down.status == OutboxStatus.PENDING and "Connection" in down.last_error
    receiver.start()  # the same port again
    deliver_all(later())
    up = only(MessageKind.WEBHOOK)
    assert up.status == OutboxStatus.DELIVERED and up.attempts == 2
    assert receiver.delivered_ids() == [up.message_id]


def test_a_message_is_dead_after_the_last_attempt(app, device, demo, receiver, webhook):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    receiver.status = 503
    sad_tap(device, demo)
    for hours in range(2, 12, 2):
        deliver_all(later(hours))
    message = only(MessageKind.WEBHOOK)
    assert message.status == OutboxStatus.DEAD and message.attempts == 3
    assert len(receiver.log) == 3


def test_gone_stops_the_webhook(device, demo, receiver, webhook):
    receiver.status = 410
    sad_tap(device, demo)
    deliver_all()
    assert only(MessageKind.WEBHOOK).status == OutboxStatus.DEAD
    assert not db.session.get(Webhook, webhook.id).active
    sad_tap(device, demo, seconds_ago=30)
    assert deliver_all() == 0


def test_a_removed_webhook_gives_up_its_queued_messages(device, demo, receiver, webhook):
    sad_tap(device, demo)
    webhook.active = False
    db.session.commit()
    deliver_all()
    message = only(MessageKind.WEBHOOK)
    assert message.status == OutboxStatus.DEAD and receiver.log == []


def test_the_smtp_server_saying_later_is_retried_and_refusing_is_final(device, demo, smtp):
    smtp.reply = "451 Try again later"
    sad_tap(device, demo)
    deliver_all()
    assert only(MessageKind.EMAIL).status == OutboxStatus.PENDING
    smtp.reply = "554 No thanks"
    deliver_all(later())
    message = only(MessageKind.EMAIL)
    assert message.status == OutboxStatus.DEAD and "554" in message.last_error
    assert smtp.messages == []


def test_an_unreachable_smtp_server_is_retried(app, device, demo, smtp):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # discard port, nothing listens
    sad_tap(device, demo)
    deliver_all()
    assert only(MessageKind.EMAIL).status == OutboxStatus.PENDING


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(device, demo, webhook):
    sad_tap(device, demo)
    claim = claim_next()
    assert claim is not None and claim_next() is None
    message = only(MessageKind.WEBHOOK)
    assert message.status == OutboxStatus.DELIVERING and message.claim_token == claim.token
    later = message.next_attempt_at
    again = claim_next(now=later)
    assert again is not None and again.id == claim.id and again.attempts == 2


def test_the_retry_delay_grows_with_jitter_and_a_ceiling(app):
    app.config.update(OUTBOX_RETRY_BASE_SECONDS=10, OUTBOX_RETRY_MAX_SECONDS=600)
    with app.app_context():
        for attempts, full in [(1, 10), (2, 20), (3, 40), (7, 600), (20, 600)]:
            delays = [retry_delay(attempts) for _ in range(50)]
            assert all(full / 2 <= delay <= full for delay in delays)
            assert len(set(delays)) > 1
        assert retry_delay(1, retry_after=120) == 120
        assert retry_delay(1, retry_after=10_000) == 600


def test_generic_body_is_compact_json(device, demo, receiver, webhook):
    sad_tap(device, demo)
    deliver_all()
    body = receiver.log[0].body
    assert json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode() == body


def test_a_mistyped_smtp_url_is_retried_not_given_up(app, device, demo, smtp):
    sad_tap(device, demo)
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "mail://127.0.0.1"
    deliver_all()
    message = only(MessageKind.EMAIL)
    assert message.status == OutboxStatus.PENDING and "SMTP_URL" in message.last_error
    app.config["SMTP_URL"] = working
    deliver_all(later())
    assert only(MessageKind.EMAIL).status == OutboxStatus.DELIVERED


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's write lock")
def test_a_claimed_message_renders_and_sends_while_another_writer_holds_the_lock(
    database_uri, device, demo, receiver, webhook
):
    """The claim commits at once; rendering reads without the write lock (it would wait for
    the other writer, then fail), and only recording the outcome needs it again."""
    sad_tap(device, demo)
    claim = claim_next()
    other_writer = sqlite3.connect(database_uri.removeprefix("sqlite:///"), isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        outcome = prepare(claim.id)()
        (request,) = receiver.wait_for(1, timeout=10)
        assert outcome.delivered and request.verified
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert only(MessageKind.WEBHOOK).status == OutboxStatus.DELIVERING  # leased, not lost
    assert settle(claim, outcome)
    assert only(MessageKind.WEBHOOK).status == OutboxStatus.DELIVERED
