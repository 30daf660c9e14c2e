"""Periodic jobs run once per period across every process on every host.

Each job has a lease row (`JobLease`): a process runs the job only when it moves the row's
`due_at` from the past to one period ahead, in one conditional UPDATE. On PostgreSQL two
processes updating the row at once are serialised by the row lock and the second finds the
condition false; on SQLite the write transaction (BEGIN IMMEDIATE) does the same. The same
code therefore works on one machine and on many sharing a database.

The lease is taken before the job runs and committed at once, so a job never holds it in an
open transaction; a process that dies mid-job leaves the row due at the next period, when
any process runs the job again. Every job must therefore be safe to run twice (they are:
each claims its own work with a conditional write, see cases/escalation.py).
"""

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from surveys.db import db, sqlite_write_intent
from surveys.models import JobLease, utcnow

HOLDER_LENGTH = 120


def holder() -> str:
    """This process, as the lease row names it: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:HOLDER_LENGTH]


def is_due(name: str, now: datetime) -> bool:
    """Whether the job's period has run out (or it never ran); a read, no write lock."""
    token = sqlite_write_intent.set(False)
    try:
        due_at = db.session.scalar(select(JobLease.due_at).where(JobLease.name == name))
        db.session.rollback()
    finally:
        sqlite_write_intent.reset(token)
    return due_at is None or due_at <= now


def claim(name: str, period: timedelta, now: datetime | None = None, force: bool = False) -> bool:
    """Take the job's turn for this period and commit; True for one caller per period.

    `force` takes the turn even before the period ran out (`outbox work --once`)."""
    now = now or utcnow()
    if not force and not is_due(name, now):
        return False
    sqlite_write_intent.set(True)
    try:
        _insert_missing(name, now)
        statement = update(JobLease).where(JobLease.name == name)
        if not force:
            statement = statement.where(JobLease.due_at <= now)
        claimed = db.session.execute(
            statement.values(
                due_at=now + period,
                last_started_at=now,
                holder=holder(),
                runs=JobLease.runs + 1,
            ).execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return bool(claimed)


def _insert_missing(name: str, now: datetime) -> None:
    """The job's row, due now, unless another process made it first."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(JobLease)
        .values(name=name, due_at=now, holder="", runs=0)
        .on_conflict_do_nothing(index_elements=[JobLease.name])
    )


def run_if_due(name: str, period: timedelta, job: Callable[[], object], force=False) -> bool:
    """Run `job` if this process won the job's turn for the period; whether it ran."""
    if not claim(name, period, force=force):
        return False
    job()
    return True


def runs(name: str) -> int:
    """How many times the job was started, in the whole cluster."""
    return db.session.scalar(select(JobLease.runs).where(JobLease.name == name)) or 0
