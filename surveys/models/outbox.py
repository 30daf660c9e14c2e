"""The transactional outbox: notifications written with the event, delivered by a worker."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.alerts import Alert
    from surveys.models.webhooks import Webhook


class MessageKind(enum.StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    PUSH = "push"


class OutboxStatus(enum.StrEnum):
    """pending -> delivering (leased) -> delivered, or back to pending, or dead; cancelled
    when the person it was for had their personal data erased (never retried)."""

    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    DEAD = "dead"
    CANCELLED = "cancelled"


def new_message_id() -> str:
    """A stable id for every attempt of one message: the Standard Webhooks `webhook-id`."""
    return "msg_" + secrets.token_hex(16)  # no '.', which would confuse the signed content


class OutboxMessage(db.Model):
    """One e-mail or webhook call to make, kept until it is delivered or given up."""

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_group", "group_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_message_id)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind))
    # An e-mail address or a webhook URL; what the message is rendered from is the payload:
    # {"event", "language", "facts"} (and "preset" for webhooks). Rendering happens at
    # delivery, from these facts and alert_id only, so every attempt sends the same body.
    destination: Mapped[str] = mapped_column(String(2048))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # When a pending message is due; while delivering, when the worker's lease runs out.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    # The digest this message is, per person ("escalation:<user id>"); see notify/grouping.py.
    group_key: Mapped[str | None] = mapped_column(String(80))

    # A backref keeps Alert's own module untouched; raise_alert appends through it so the
    # messages join the session together with the alert, inside the caller's savepoint.
    alert: Mapped[Alert | None] = relationship(
        backref=backref("outbox_messages", order_by="OutboxMessage.id")
    )
    webhook: Mapped[Webhook | None] = relationship()
