"""Surges: a location's share of negative answers passed its threshold over a window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from surveys.db import db
from surveys.models.common import utcnow


class Surge(db.Model):
    """One surge alert; a location gets at most one per window."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    window_minutes: Mapped[int]
    responses: Mapped[int]
    negatives: Mapped[int]
