"""Alerts: negative responses that a manager handles as cases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.locations import Device, Location
    from surveys.models.responses import Response


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Alert(db.Model):
    """Something a manager must handle, the case: a negative response or a silent kiosk."""

    __table_args__ = (
        CheckConstraint("response_id IS NOT NULL OR device_id IS NOT NULL", name="subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One of the two is set: the response that was negative, or the device that fell silent.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), unique=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus), default=AlertStatus.NEW)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    escalated_at: Mapped[datetime | None]  # when the owners were told nobody took it

    response: Mapped[Response | None] = relationship(back_populates="alert")
    device: Mapped[Device | None] = relationship()
    location: Mapped[Location] = relationship()

    OPEN_STATUSES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.REOPENED)
