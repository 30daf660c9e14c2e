"""Webhooks: the URLs a location's events are POSTed to, signed with their own secret."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.locations import Location


class WebhookPreset(enum.StrEnum):
    """The body's shape: Standard Webhooks JSON, or what Slack or Teams accept."""

    GENERIC = "generic"
    SLACK = "slack"
    TEAMS = "teams"


class Webhook(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    preset: Mapped[WebhookPreset] = mapped_column(enum_column(WebhookPreset))
    # Stored as it is, unlike passwords and device tokens: HMAC signing needs the key itself,
    # and a digest of it could not sign. It is shown once when created; keep the database
    # private, and replace the webhook to rotate the secret.
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()
