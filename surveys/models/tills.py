"""What tills use to print receipt codes through the API: per-location API keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import utcnow

if TYPE_CHECKING:
    from surveys.models.locations import Location


SCOPES = ("receipts", "read")  # mint receipt codes (tills); read responses and metrics


class ApiKey(db.Model):
    """A location's key for the API; only the SHA-256 digest of the key is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Space-separated, like OAuth scopes; keys made before scopes existed are tills' keys.
    scopes: Mapped[str] = mapped_column(String(100), default="receipts", server_default="receipts")

    location: Mapped[Location] = relationship()

    @property
    def is_active(self) -> bool:
        """A key works until it is revoked."""
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        """Whether the key was given this scope."""
        return scope in self.scopes.split()
