"""Shops, their staff and their kiosk tablets."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.branding import LocationBrand
from surveys.models.common import utcnow


def new_signing_secret() -> str:
    """32 random bytes, hex-encoded: the key a location signs its receipt codes with."""
    return secrets.token_hex(32)


class Location(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(String(10), default="en")
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    response_interval_seconds: Mapped[int] = mapped_column(default=5)
    idle_timeout_seconds: Mapped[int] = mapped_column(default=30)
    thank_you_seconds: Mapped[int] = mapped_column(default=6)
    manager_on_duty: Mapped[bool] = mapped_column(default=False)
    # What staff of this location may do besides reading the inbox; off until a manager allows it.
    staff_may_acknowledge: Mapped[bool] = mapped_column(default=False, server_default=false())
    staff_may_redeem_coupons: Mapped[bool] = mapped_column(default=False, server_default=false())
    staff_may_see_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Escalation and surge rules are data per location; 0 minutes turns escalation off.
    escalate_after_minutes: Mapped[int] = mapped_column(default=5, server_default="5")
    # A case still open this long is overdue in the inbox; 0: no resolve target.
    resolve_within_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    surge_threshold_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    surge_window_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    surge_min_responses: Mapped[int] = mapped_column(default=4, server_default="4")
    # {"mon": [["09:00", "18:00"]], ...} in the location's time zone; empty: hours not set.
    opening_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    # argon2id hash of the PIN that leaves kiosk mode; None: the kiosk cannot be left.
    exit_pin_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tills that print receipt codes offline hold a copy of this secret (docs/receipt-codes.md).
    receipt_secret: Mapped[str] = mapped_column(String(64), default=new_signing_secret)
    # Secrets replaced by a rotation, newest first: they open nothing, but they prove that an
    # old code is genuine, so its page may name the shop and point to its poster.
    retired_receipt_secrets: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    receipt_valid_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # A browser that answered through a poster may answer that survey again after this long.
    poster_repeat_hours: Mapped[int] = mapped_column(default=12, server_default="12")
    # Days a customer's contact details are kept after their case closes (surveys/privacy/).
    contact_retention_days: Mapped[int] = mapped_column(default=90, server_default="90")
    # ISO 4217 code of what remedies and coupons are counted in (surveys/places/money.py).
    currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")

    staff: Mapped[list[Staff]] = relationship(back_populates="location", order_by="Staff.name")
    # Read-only: the kiosk loads it with its device (surveys/places/devices.py); branding
    # is written through LocationBrand rows (surveys/places/branding.py).
    brand: Mapped[LocationBrand | None] = relationship(viewonly=True)

    def active_staff(self) -> list[Staff]:
        """The staff a customer may name, in display order."""
        return [member for member in self.staff if member.active]


class Staff(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship(back_populates="staff")


class Device(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # Only SHA-256 digests of the random secrets are stored; the secrets live on the tablet.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None]
    paired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    # What the tablet said in its last heartbeat.
    last_heartbeat_at: Mapped[datetime | None]
    app_version: Mapped[str | None] = mapped_column(String(64))
    queue_length: Mapped[int | None]
    battery_percent: Mapped[int | None]
    battery_charging: Mapped[bool | None]
    clock_skew_seconds: Mapped[int | None]  # the tablet's clock minus the server's
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()

    @property
    def is_active(self) -> bool:
        """A device may submit when it is paired and not revoked."""
        return self.paired_at is not None and self.revoked_at is None

    @property
    def status(self) -> str:
        """Where the tablet stands: revoked, paired, waiting for pairing, or link expired."""
        if self.revoked_at is not None:
            return "revoked"
        if self.paired_at is not None:
            return "paired"
        if self.pairing_expires_at is not None and self.pairing_expires_at > utcnow():
            return "waiting"
        return "expired"
