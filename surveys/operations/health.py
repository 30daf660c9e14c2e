"""Liveness and readiness, for load balancers and orchestrators.

Liveness needs nothing but the process. Readiness asks the database: that it answers, that
its schema is at the migrations' head (a half-upgraded database must not take traffic), and
how the outbox stands. What it says is counts and revision names, never a row's content,
a host name or an error's text.
"""

import logging
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.exc import SQLAlchemyError

from surveys.db import db, sqlite_write_intent
from surveys.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
BACKLOG = (OutboxStatus.PENDING, OutboxStatus.DELIVERING)


@dataclass
class Readiness:
    """Each check's verdict ("ok" or what is wrong) and the outbox's counts when known."""

    checks: dict[str, str] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    outbox: dict[str, int] | None = None

    @property
    def ready(self) -> bool:
        return all(verdict == "ok" for verdict in self.checks.values())

    def as_json(self) -> dict:
        failed = [name for name, verdict in self.checks.items() if verdict != "ok"]
        body = {"status": "ready" if not failed else "not ready", "checks": self.checks}
        if failed:
            body["failed"] = failed
        if self.migrations:
            body["migrations"] = self.migrations
        if self.outbox is not None:
            body["outbox"] = self.outbox
        return body


@cache
def migration_heads(directory: str) -> tuple[str, ...]:
    """The head revisions of the code's migrations (read once per process)."""
    # Imported here, not at the top: Alembic is 10 MB a serving worker loads only when probed.
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


def readiness() -> Readiness:
    """Check the database, its migration and the outbox, in one read-only transaction."""
    report = Readiness()
    heads = migration_heads(current_app.extensions["migrate"].directory)
    token = sqlite_write_intent.set(False)  # a read: never waits for SQLite's write lock
    try:
        with db.engine.connect() as connection:
            current = _current_revisions(connection)
            report.checks["database"] = "ok"
            report.migrations = {"database": list(current), "code": list(heads)}
            at_head = current == heads
            report.checks["migrations"] = "ok" if at_head else "not at head: run `db upgrade`"
            if at_head:
                report.outbox = _outbox_counts(connection)
    except SQLAlchemyError as error:
        log.warning("readiness: the database did not answer (%s)", type(error).__name__)
        report.checks["database"] = "unreachable"
        report.migrations = {}
    finally:
        sqlite_write_intent.reset(token)
    return report


def _current_revisions(connection) -> tuple[str, ...]:
    """What Alembic wrote into the database (nothing before the first upgrade). Read here
    rather than through Alembic's MigrationContext, which logs two lines per call."""
    if not inspect(connection).has_table("alembic_version"):
        return ()
    version = table("alembic_version", column("version_num"))
    return tuple(sorted(connection.scalars(select(version.c.version_num))))


def _outbox_counts(connection) -> dict[str, int]:
    rows = connection.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_([*BACKLOG, OutboxStatus.DEAD]))
        .group_by(OutboxMessage.status)
    ).all()
    counts = {OutboxStatus(status): number for status, number in rows}
    return {
        "backlog": sum(counts.get(status, 0) for status in BACKLOG),
        "dead": counts.get(OutboxStatus.DEAD, 0),
    }
