"""Periodic jobs' leases: one row per job, shared by every process on every host."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.db import db


class JobLease(db.Model):
    """Who last ran a periodic job, and when it is next due anywhere in the cluster."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    due_at: Mapped[datetime]
    last_started_at: Mapped[datetime | None]
    holder: Mapped[str] = mapped_column(String(120), default="")  # host:pid of the last run
    runs: Mapped[int] = mapped_column(default=0)
