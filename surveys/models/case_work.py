"""What a case gathers besides its life cycle: the remedies given, and the apology texts a
location writes per language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.alerts import Remedy
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.alerts import Alert
    from surveys.models.users import User


class CaseRemedy(db.Model):
    """One thing done to make a case right; a case may hold several.

    Amounts are whole minor units (cents, or yen, or fils) of `currency`, the location's
    currency when the remedy was given, so a later change of currency relabels nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    kind: Mapped[Remedy] = mapped_column(enum_column(Remedy))
    amount_minor: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    alert: Mapped[Alert] = relationship(back_populates="remedies")
    added_by: Mapped[User | None] = relationship()


class ApologyText(db.Model):
    """A location's own text for the apology e-mail in one language; none: the default."""

    __table_args__ = (UniqueConstraint("location_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
