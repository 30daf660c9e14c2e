"""A consistent copy of a live SQLite database, taken while the app keeps serving.

SQLite's online backup API copies the pages under a read transaction, so writers go on and
the copy is one moment's state, WAL included (copying the file with `cp` is not: the WAL
beside it may hold the latest commits). PostgreSQL is backed up with pg_dump instead.
"""

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class NotSqlite(ValueError):
    """The configured database is not a SQLite file (use pg_dump for PostgreSQL)."""


def sqlite_path(database_uri: str) -> Path:
    """The file a SQLite URI names; NotSqlite for any other database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise NotSqlite(url.get_backend_name())
    return Path(url.database)


def backup_sqlite(database_uri: str, target: Path) -> Path:
    """Copy the database into `target` (a new file), checked; the file written."""
    source_path = sqlite_path(database_uri)
    if not source_path.is_file():
        raise FileNotFoundError(source_path)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"the copy failed its check: {verdict}")
    os.replace(partial, target)
    return target
