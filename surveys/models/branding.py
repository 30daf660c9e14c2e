"""A location's look on the kiosk and link pages: the name shown, a logo, an accent colour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.db import db
from surveys.models.common import utcnow


class LocationBrand(db.Model):
    """Kept beside Location, one row per branded location; no row means the house look."""

    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str | None] = mapped_column(String(120))
    accent_color: Mapped[str | None] = mapped_column(String(7))  # "#rrggbb", checked for contrast
    # Always a PNG re-encoded by the server from the upload, never the uploaded bytes.
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_digest: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
