"""The outbox: messages enqueued in the caller's transaction, then claimed, delivered and
settled by workers, several at once, none of them able to lose a message by dying.

A claim is one atomic UPDATE, committed at once, that moves a due row to `delivering` and
leases it until `next_attempt_at`: on PostgreSQL the row is picked with FOR UPDATE SKIP
LOCKED, on SQLite the write transaction (BEGIN IMMEDIATE) makes the claim atomic. The message
is then rendered in a read transaction (no write lock held while templates render), sent
outside any transaction, and a last short write records the outcome. A worker killed mid-delivery
leaves the row leased; once the lease runs out another worker claims it again, under the
same message id. Delivery is therefore at least once: a receiver dedupes by `webhook-id`.
"""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, exists, or_, select, update

from surveys.db import db, sqlite_write_intent
from surveys.models import (
    Alert,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    PushSubscription,
    Webhook,
    WebhookPreset,
    utcnow,
)
from surveys.models.outbox import new_message_id
from surveys.notify.email import build_email, parse_smtp_url, send_email
from surveys.notify.letters import compose
from surveys.notify.outcome import Outcome, failed
from surveys.notify.presets import webhook_body
from surveys.notify.push import alert_notification, push_call, send_push
from surveys.notify.webhooks import WebhookCall, send_webhook
from surveys.operations.metrics import count_on_commit, outbox_settled

ENQUEUED = "counterpulse.outbox_enqueued"  # a session.info flag: wake the worker on commit


def enqueue_email(to: str, event: str, facts: dict, language: str, *, alert=None):
    """Queue an e-mail in the caller's transaction."""
    return _enqueue(MessageKind.EMAIL, to, event, facts, language, alert=alert)


def enqueue_webhook(webhook: Webhook, event: str, facts: dict, language: str, *, alert=None):
    """Queue a call to a webhook in the caller's transaction, in the webhook's preset."""
    message = _enqueue(
        MessageKind.WEBHOOK, webhook.url, event, facts, language, alert=alert, preset=webhook.preset
    )
    message.webhook = webhook
    return message


def enqueue_push(subscription, event: str, facts: dict, language: str, *, alert=None):
    """Queue a Web Push notification to one device in the caller's transaction."""
    facts = facts | {"push_subscription_id": subscription.id}
    return _enqueue(
        MessageKind.PUSH, f"push:{subscription.id}", event, facts, language, alert=alert
    )


def _enqueue(kind, destination, event, facts, language, *, alert: Alert | None, preset=None):
    payload = {"event": event, "language": language, "facts": facts}
    if preset is not None:
        payload["preset"] = str(preset)
    message = OutboxMessage(
        message_id=new_message_id(), kind=kind, destination=destination, payload=payload
    )
    if alert is not None:
        alert.outbox_messages.append(message)  # joins the session when the alert does
    else:
        db.session.add(message)
    db.session.info[ENQUEUED] = True
    return message


@dataclass(frozen=True)
class Claim:
    """A leased message: only the holder of this token may settle it."""

    id: int
    token: str
    attempts: int
    send: Callable[[], Outcome]


def _due(now: datetime):
    waiting = OutboxMessage.status == OutboxStatus.PENDING
    abandoned = OutboxMessage.status == OutboxStatus.DELIVERING  # lease ran out
    return or_(waiting, abandoned), OutboxMessage.next_attempt_at <= now


def has_due(now: datetime | None = None) -> bool:
    """Whether any message is due; a read that takes no write lock on SQLite."""
    token = sqlite_write_intent.set(False)
    try:
        found = db.session.scalar(select(exists().where(*_due(now or utcnow()))))
        db.session.rollback()
    finally:
        sqlite_write_intent.reset(token)
    return bool(found)


def _writing() -> None:
    """The worker's transactions write: on SQLite they take the write lock up front (an
    earlier commit in the same thread left the intent set to read)."""
    sqlite_write_intent.set(True)


def claim_next(now: datetime | None = None) -> Claim | None:
    """Lease the most overdue message in one short write transaction, then render it in a
    read-only one, so SQLite's write lock is never held while templates render."""
    _writing()
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    token = secrets.token_hex(16)
    oldest = (
        select(OutboxMessage.id)
        .where(*_due(now))
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == oldest)
        .values(
            status=OutboxStatus.DELIVERING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + lease,
            claim_token=token,
        )
        .returning(OutboxMessage.id, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()  # the lease is on disk: a death from here on leaves it to run out
    if claimed is None:
        return None
    return Claim(claimed.id, token, claimed.attempts, prepare(claimed.id))


def prepare(message_pk: int) -> Callable[[], Outcome]:
    """Read a leased message and render it, in a read transaction that takes no write lock."""
    intent = sqlite_write_intent.set(False)
    try:
        message = db.session.get(OutboxMessage, message_pk, populate_existing=True)
        return _prepare(message)
    finally:
        db.session.rollback()
        sqlite_write_intent.reset(intent)


def _prepare(message: OutboxMessage) -> Callable[[], Outcome]:
    """Render the message from its stored facts into a call that touches no database."""
    try:
        with force_locale(message.payload["language"]):
            if message.kind == MessageKind.EMAIL:
                return _prepare_email(message)
            if message.kind == MessageKind.PUSH:
                return _prepare_push(message)
            return _prepare_webhook(message)
    except Exception as error:  # a message that cannot be rendered will never deliver
        current_app.logger.exception("outbox message %s cannot be rendered", message.message_id)
        return partial(failed, f"cannot be rendered: {error!r}", permanent=True)


def _facts(message: OutboxMessage) -> dict:
    """The stored facts plus what is known only after the alert was saved: its id, and the
    address of its case page, which every e-mail and webhook about a case links to."""
    facts = dict(message.payload["facts"])
    if message.alert_id is not None:
        facts["alert_id"] = message.alert_id
        facts["case_url"] = case_url(message.alert_id)
    if "cases" in facts:  # a grouped message (grouping.py): each case has its link
        facts["cases"] = [
            case | {"case_url": case_url(case["alert_id"])} if "alert_id" in case else case
            for case in facts["cases"]
        ]
    return facts


def case_url(alert_id: int) -> str:
    """The full address of a case page under PUBLIC_URL."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + f"/admin/alerts/{alert_id}"


def _prepare_email(message: OutboxMessage) -> Callable[[], Outcome]:
    config = current_app.config
    try:  # a missing or mistyped setting is retried: it may be fixed before the last attempt
        settings = parse_smtp_url(config.get("SMTP_URL") or "", config["SMTP_TIMEOUT_SECONDS"])
    except ValueError as error:
        return partial(failed, str(error))
    facts = _facts(message)
    subject, body, html = compose(message.payload["event"], facts)
    email = build_email(
        message_id=message.message_id,
        sender=config["MAIL_FROM"],
        to=message.destination,
        subject=subject,
        body=body,
        language=message.payload["language"],
        reply_to=facts.get("reply_to"),
        html=html,
    )
    return partial(send_email, settings, email)


def _prepare_webhook(message: OutboxMessage) -> Callable[[], Outcome]:
    webhook = message.webhook
    if webhook is None or not webhook.active:
        return partial(failed, "the webhook was removed", permanent=True)
    preset = message.payload.get("preset", WebhookPreset.GENERIC)
    call = WebhookCall(
        url=webhook.url,
        message_id=message.message_id,
        body=webhook_body(message.payload["event"], _facts(message), preset),
        secret=webhook.secret,
        timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
        allow_private=bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]),
    )
    return partial(send_webhook, call)


def _prepare_push(message: OutboxMessage) -> Callable[[], Outcome]:
    from surveys.notify.events import topic_labels  # events enqueues through this module

    facts = _facts(message)
    if message.alert is not None and message.alert.response is not None:
        # The follow-up may have named topics since the tap raised the alert.
        facts["topic_labels"] = topic_labels(message.alert.response, message.payload["language"])
    subscription = db.session.get(PushSubscription, facts["push_subscription_id"])
    if subscription is None:
        return partial(failed, "the device unsubscribed", permanent=True)
    return partial(send_push, push_call(subscription, alert_notification(facts, subscription)))


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter: the n-th retry waits between half and all of base*2^n."""
    config = current_app.config
    ceiling = config["OUTBOX_RETRY_MAX_SECONDS"]
    delay = min(ceiling, config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0))
    delay = delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not a secret)
    return min(ceiling, max(delay, retry_after or 0))


def settle(claim: Claim, outcome: Outcome, now: datetime | None = None) -> bool:
    """Record the attempt's outcome; False when the lease was lost to another worker."""
    _writing()
    now = now or utcnow()
    values: dict = {"claim_token": None, "last_error": outcome.error}
    if outcome.delivered:
        values.update(status=OutboxStatus.DELIVERED, delivered_at=now)
    elif outcome.permanent or claim.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        values.update(status=OutboxStatus.DEAD)
    else:
        delay = timedelta(seconds=retry_delay(claim.attempts, outcome.retry_after))
        values.update(status=OutboxStatus.PENDING, next_attempt_at=now + delay)
    updated = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if updated:
        outbox_settled(db.session, values["status"])
    if outcome.endpoint_gone:
        _deactivate_webhook_of(claim.id, outcome.error)
        _forget_push_subscription_of(claim.id)
    db.session.commit()
    return bool(updated)


def _deactivate_webhook_of(message_pk: int, reason: str | None) -> None:
    """The receiver answered 410 Gone: stop calling it, as the spec asks."""
    webhook_id = db.session.scalar(
        select(OutboxMessage.webhook_id).where(OutboxMessage.id == message_pk)
    )
    if webhook_id is not None:
        db.session.execute(
            update(Webhook)
            .where(Webhook.id == webhook_id)
            .values(active=False, deactivated_reason=(reason or "")[:200])
        )


def _forget_push_subscription_of(message_pk: int) -> None:
    """The push service answered 404 or 410: the browser dropped the subscription."""
    message = db.session.get(OutboxMessage, message_pk)
    if message is not None and message.kind == MessageKind.PUSH:
        subscription_id = message.payload["facts"].get("push_subscription_id")
        db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def deliver_next(now: datetime | None = None) -> bool:
    """Claim one due message, deliver it and settle it; False when nothing was due."""
    if not has_due(now):
        return False
    claim = claim_next(now)
    if claim is None:
        return False
    outcome = claim.send()
    if not settle(claim, outcome, now):
        current_app.logger.warning("outbox message %s: lease lost before settling", claim.id)
    return True


def give_up_abandoned(now: datetime | None = None) -> int:
    """Messages whose workers died on every allowed attempt are dead, not retried forever."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.DELIVERING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"],
        )
        .values(status=OutboxStatus.DEAD, claim_token=None, last_error="no attempt finished")
        .execution_options(synchronize_session=False)
    )
    count_on_commit(db.session, "outbox", "dead", result.rowcount)
    return result.rowcount
