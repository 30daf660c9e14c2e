"""Digest e-mails: who asked for one, and which period each was sent for."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveys.db import db
from surveys.models.common import enum_column, utcnow


class DigestFrequency(enum.StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class DigestSent(db.Model):
    """One digest queued for one user and period. The unique key is what keeps several
    workers and cron runs from sending it twice: the second insert fails."""

    __table_args__ = (UniqueConstraint("user_id", "frequency", "period_first"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    frequency: Mapped[DigestFrequency] = mapped_column(enum_column(DigestFrequency))
    period_first: Mapped[date]
    period_last: Mapped[date]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
