"""Coupons: a remedy the customer takes home, redeemable once before it expires."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import utcnow

if TYPE_CHECKING:
    from surveys.models.alerts import Alert
    from surveys.models.locations import Location
    from surveys.models.users import User


class Coupon(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # random, printed, typed back
    value_cents: Mapped[int]  # whole minor units of `currency`, whatever it is
    currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    alert: Mapped[Alert] = relationship(back_populates="coupons")
    location: Mapped[Location] = relationship()
    redeemed_by: Mapped[User | None] = relationship(foreign_keys=[redeemed_by_id])

    def is_expired(self, now: datetime | None = None) -> bool:
        """Past its expiry time."""
        return self.expires_at <= (now or utcnow())
