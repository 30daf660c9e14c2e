"""Web Push to the managers' devices: the server's VAPID key (RFC 8292), subscriptions per
user and device, the notification a new alert sends, and one delivery: the payload encrypted
for the device (RFC 8291, aes128gcm) and POSTed to its push service (RFC 8030) through the
same pinned, checked connection as webhooks. All delivery goes through the outbox."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, PushSubscription, Role, User
from surveys.notify.addresses import UnsafeDestination, resolve_destination
from surveys.notify.outcome import Outcome
from surveys.notify.webhooks import post_pinned
from surveys.people.audit import Actor

if TYPE_CHECKING:
    from py_vapid import Vapid02

ACK_SALT = "counterpulse.push-ack"
ACK_MAX_AGE_SECONDS = 24 * 3600
TTL_SECONDS = 3600  # an alert older than an hour is better read in the inbox than pushed
MAX_LABEL_LENGTH = 80


def vapid_key() -> Vapid02:
    """The server's VAPID key: VAPID_PRIVATE_KEY (PEM), else one made once in the instance
    folder. Every host of a chain must share it, like the secret key."""
    app = current_app
    cached = app.extensions.get("counterpulse.vapid")
    if cached is None:
        pem = app.config.get("VAPID_PRIVATE_KEY") or _instance_key(Path(app.instance_path))
        cached = app.extensions["counterpulse.vapid"] = _vapid().from_pem(pem.encode())
    return cached


def _vapid():
    """py_vapid's key class, imported on first use: a worker that never pushes never loads
    it (pywebpush and its aiohttp are the heaviest imports of the app)."""
    from py_vapid import Vapid02

    return Vapid02


def _instance_key(folder: Path) -> str:
    path = folder / "vapid_private.pem"
    if not path.exists():
        key = _vapid()()
        key.generate_keys()
        path.write_bytes(key.private_pem())
        path.chmod(0o600)
    return path.read_text()


def application_server_key() -> str:
    """The public key a browser subscribes with: the uncompressed point, base64url."""
    from cryptography.hazmat.primitives import serialization  # 7 MB: the account page only

    point = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def subscribe(user: User, body: dict, actor: Actor) -> PushSubscription:
    """Keep the device's subscription for this user; the same endpoint again is updated."""
    if not isinstance(body, dict):
        raise SubmissionInvalid({"subscription": _("This browser sent no push subscription.")})
    endpoint = body.get("endpoint")
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    p256dh, auth, label = keys.get("p256dh"), keys.get("auth"), body.get("label")
    errors = {}
    if not isinstance(endpoint, str) or len(endpoint) > 2048 or not _reachable(endpoint):
        errors["endpoint"] = _("The push service's address cannot be used.")
    if not _key_of_length(p256dh, 65) or not _key_of_length(auth, 16):
        errors["keys"] = _("The browser's push keys are not valid.")
    label = (label if isinstance(label, str) else "").strip()[:MAX_LABEL_LENGTH]
    if errors:
        raise SubmissionInvalid(errors)
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    subscription = found or PushSubscription(endpoint=endpoint)
    subscription.user_id, subscription.p256dh, subscription.auth = user.id, p256dh, auth
    subscription.label = label or _("This device")
    db.session.add(subscription)
    db.session.flush()
    actor.record("push.subscribed", push_subscription_id=subscription.id)
    return subscription


def _reachable(endpoint: str) -> bool:
    allow_private = bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    try:
        resolve_destination(endpoint, allow_private=allow_private)
    except UnsafeDestination:
        return False
    return True


def _key_of_length(text, length: int) -> bool:
    if not isinstance(text, str) or len(text) > 200:
        return False
    try:
        return len(_unb64url(text)) == length
    except ValueError:
        return False


def unsubscribe(subscription: PushSubscription, actor: Actor) -> None:
    """Stop pushing to the device."""
    actor.record("push.unsubscribed", push_subscription_id=subscription.id)
    db.session.delete(subscription)


def subscriptions_of(user: User) -> list[PushSubscription]:
    """The user's devices, oldest first."""
    statement = select(PushSubscription).where(PushSubscription.user_id == user.id)
    return list(db.session.scalars(statement.order_by(PushSubscription.id)))


def push_subscriptions_for(location: Location) -> list[PushSubscription]:
    """The devices of the active owners and of the location's active managers, in one query:
    a negative tap pays for it."""
    looks_after = or_(
        User.role == Role.OWNER,
        and_(User.role == Role.MANAGER, User.locations.any(Location.id == location.id)),
    )
    statement = (
        select(PushSubscription)
        .join(User, PushSubscription.user_id == User.id)
        .options(contains_eager(PushSubscription.user))  # their choices, in the same query
        .where(User.active, looks_after)
        .order_by(PushSubscription.id)
    )
    return list(db.session.scalars(statement))


def ack_token(user_id: int, alert_id: int) -> str:
    """What the notification's "I'm on it" button proves: this user may acknowledge this alert."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACK_SALT)
    return serializer.dumps([user_id, alert_id])


def ack_token_matches(token: str, user_id: int, alert_id: int) -> bool:
    """Whether the token was made for this user and alert, in the last day."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACK_SALT)
    try:
        return serializer.loads(token, max_age=ACK_MAX_AGE_SECONDS) == [user_id, alert_id]
    except BadSignature:
        return False


def alert_notification(facts: dict, subscription: PushSubscription) -> dict:
    """The notification of a new alert: the shop, the rating and topics, the case, the button."""
    alert_id = facts["alert_id"]
    rating = _("Rating %(rating)s of %(scale)s", rating=facts["rating"], scale=facts["scale"])
    topics = ", ".join(facts.get("topic_labels") or [])
    case_path = f"/admin/alerts/{alert_id}"
    return {
        "title": _title(facts),
        "body": f"{rating} · {topics}" if topics else rating,
        "url": case_path,
        "tag": f"alert-{alert_id}",
        "ack": {
            "label": _("I'm on it"),
            "url": f"{case_path}/acknowledge-from-push",
            "token": ack_token(subscription.user_id, alert_id),
        },
    }


def _title(facts: dict) -> str:
    """What the notification is about: a new alert, a case handed over, a follow-up due."""
    if facts.get("event") == "case.assigned":
        return _("A case at %(shop)s is now yours", shop=facts["location"])
    if facts.get("event") == "case.follow_up_due":
        return _("Follow-up due at %(shop)s", shop=facts["location"])
    return _("Unhappy customer at %(shop)s", shop=facts["location"])


@dataclass(frozen=True)
class PushCall:
    """One attempt, read from the database before the network is touched."""

    endpoint: str
    p256dh: str
    auth: str
    data: bytes
    authorization: str
    timeout: float
    allow_private: bool


def push_call(subscription: PushSubscription, notification: dict) -> PushCall:
    """The encrypted-to-be notification and a fresh VAPID signature for its push service."""
    parts = urlsplit(subscription.endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 3600,
        "sub": current_app.config.get("VAPID_SUBJECT")
        or f"mailto:{current_app.config['MAIL_FROM']}",
    }
    headers = vapid_key().sign(claims)
    config = current_app.config
    return PushCall(
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        data=json.dumps(notification, ensure_ascii=False).encode(),
        authorization=headers["Authorization"],
        timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
        allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE"]),
    )


def send_push(call: PushCall) -> Outcome:
    """Encrypt for the device and POST once; 404 and 410 mean the subscription is gone."""
    keys = {"p256dh": call.p256dh, "auth": call.auth}
    from pywebpush import WebPusher  # with aiohttp, 30 MB a serving worker need not carry

    body = WebPusher({"endpoint": call.endpoint, "keys": keys}).encode(call.data)["body"]
    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Encoding": "aes128gcm",
        "TTL": str(TTL_SECONDS),
        "Urgency": "high",
        "Authorization": call.authorization,
    }
    return post_pinned(
        call.endpoint, body, headers, call.timeout, call.allow_private, gone=(404, 410)
    )
