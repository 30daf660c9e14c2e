"""What every model module shares: the clock and the portable enum column."""

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(cls: type[enum.Enum]) -> Enum:
    """A portable enum column: a checked VARCHAR, the same on SQLite and PostgreSQL."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
