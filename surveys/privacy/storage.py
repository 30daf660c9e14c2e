"""After an erase: no old copy left in the database's own files.

Changing a row does not remove its old bytes. SQLite leaves them in the page's free space,
on free pages and, in WAL mode, in the -wal file until a checkpoint; PostgreSQL leaves the
old row version (a dead tuple) in the table until VACUUM, and in its WAL segments.

SQLite: every connection runs with `PRAGMA secure_delete=ON` (surveys/db.py), so what the
erase frees is zeroed; then `wal_checkpoint(TRUNCATE)` copies the WAL back and cuts it to
zero bytes. With `--vacuum`, VACUUM first rewrites the file from the live rows only: for a
database whose older rows were freed by a SQLite without secure delete (before this
release, or a build where it is off), whose bytes may still lie on free pages. VACUUM holds
the write lock while it copies the whole file, so kiosk taps wait: run it when the shops
are closed.

PostgreSQL: VACUUM of the tables an erase touches marks the dead tuples' space free; it does
not zero it, and a later row overwrites it only when one lands there. WAL segments keep the
old rows until they are recycled after a checkpoint, and archived WAL, base backups and
replicas keep theirs as long as they are kept: the app cannot reach those (docs/security.md).
"""

from dataclasses import dataclass

from surveys.db import db
from surveys.models import (
    Alert,
    AlertEvent,
    Answer,
    AuditEvent,
    Customer,
    OutboxMessage,
    Response,
)
from surveys.privacy.free_text import FREE_TEXT, OUTBOX_TEXT

ALWAYS_TOUCHED = (Customer, Response, Answer, Alert, AlertEvent, OutboxMessage, AuditEvent)


@dataclass(frozen=True)
class Compaction:
    """What the clean-up after an erase did to the database files."""

    vacuumed: bool
    wal_emptied: bool  # SQLite: the -wal file is zero bytes (False when a reader held it)


def touched_tables() -> list[str]:
    """The tables an erase may change, by name."""
    models = {*ALWAYS_TOUCHED, *(model for model, _ in FREE_TEXT + OUTBOX_TEXT)}
    return sorted(model.__table__.name for model in models)


def compact_after_erase(vacuum: bool = False) -> Compaction:
    """Clear the erased values out of the database files; run after the commit."""
    if db.engine.dialect.name == "sqlite":
        return _compact_sqlite(vacuum)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in touched_tables():
                connection.exec_driver_sql(f'VACUUM "{table}"')
        return Compaction(vacuumed=True, wal_emptied=False)
    return Compaction(vacuumed=False, wal_emptied=False)


def _compact_sqlite(vacuum: bool) -> Compaction:
    # VACUUM cannot run inside a transaction: the raw connection is in autocommit (db.py).
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        # The case history's trigram index (migration 017) keeps index segments of deleted
        # texts until they are merged: merge them now, so no trigram of the erased text stays.
        cursor.execute("INSERT INTO answer_words(answer_words) VALUES('optimize')")
        if vacuum:
            cursor.execute("VACUUM")
        busy, _log_frames, _checkpointed = cursor.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
        cursor.close()
    finally:
        connection.close()
    return Compaction(vacuumed=vacuum, wal_emptied=not busy)
