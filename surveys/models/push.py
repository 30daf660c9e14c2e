"""A manager's device that receives Web Push notifications (RFC 8030, encrypted per RFC 8291)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import utcnow

if TYPE_CHECKING:
    from surveys.models.users import User


class PushSubscription(db.Model):
    """What the browser's PushManager gave: where to post, and the keys to encrypt for it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the device's public key, base64url
    auth: Mapped[str] = mapped_column(String(100))  # the shared auth secret, base64url
    label: Mapped[str] = mapped_column(String(80))  # what the manager calls the device
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_delivered_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
