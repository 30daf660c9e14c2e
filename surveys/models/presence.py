"""Who has which location's inbox open right now: one row per user and location."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from surveys.db import db


class InboxPresence(db.Model):
    """The last time a user's open inbox reported in for a location."""

    __table_args__ = (Index("ix_inbox_presence_location_id_seen_at", "location_id", "seen_at"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]
