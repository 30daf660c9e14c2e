"""Admin accounts, the locations each may see, and the append-only audit trail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, String, Table, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.locations import Location


class Role(enum.StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"


user_location = Table(
    "user_location",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    """A person who signs in to the admin; an owner sees every location, others theirs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by logout-everywhere, a password change or deactivation: older sessions end.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Set for a password another person has seen (an owner created or reset it).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The digest e-mail: "off", "daily" or "weekly" (surveys/notify/digests.py), in this language.
    digest_frequency: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    digest_language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    # How alerts reach the user (surveys/notify/preferences.py): channels and quiet hours.
    notify_push: Mapped[bool] = mapped_column(default=True, server_default=true())
    notify_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the location's

    locations: Mapped[list[Location]] = relationship(secondary=user_location)

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class UserSession(db.Model):
    """One signed-in browser. Ending it makes that browser's cookie worthless, even a copy."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Only the SHA-256 digest of the random key is stored; the key lives in the signed cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last request seen, kept to the minute: the idle timeout counts from here.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class AuditEvent(db.Model):
    """Who did what, when, from where. The application only ever inserts these rows."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)
    client_address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    # Read-only, so nothing done to a user or location ever rewrites an audit row.
    actor: Mapped[User | None] = relationship(viewonly=True)
    location: Mapped[Location | None] = relationship(viewonly=True)
