"""The unbound SQLAlchemy object, the SQLite settings every connection gets, and what a
database too busy to answer in time looks like."""

import contextvars
import sys

from flask import has_request_context
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Kept by migrations alone, per database (the case history's word search, migration 0017):
# SQLite's FTS5 table and its shadow tables, PostgreSQL's pg_trgm index. No model declares
# them, so comparing the schema with the models (Alembic autogenerate, tests) skips them.
UNMODELLED = ("answer_words", "ix_answer_text_trgm")


def modelled(_object, name, type_, _reflected, _compare_to) -> bool:
    """Alembic's include_object: everything but the UNMODELLED objects."""
    return not (type_ in ("table", "index") and (name or "").startswith(UNMODELLED))


def _sqlite3_module():
    """sqlite3 if anything has imported it, else None: without it there is no SQLite
    connection or error to recognise, and a PostgreSQL worker never imports it (1 MB)."""
    return sys.modules.get("sqlite3")


# Objects stay loaded after commit: a view commits, then renders what it just stored.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# A transaction that reads and then writes cannot wait for SQLite's write lock once another
# writer has committed (SQLITE_BUSY_SNAPSHOT), so writing requests start with BEGIN IMMEDIATE.
# Reading requests (GET) keep a deferred BEGIN so a long report never blocks a kiosk tap.
sqlite_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sqlite_write_intent", default=True
)


@event.listens_for(Session, "after_commit")
def _reads_after_commit_need_no_write_lock(_session):
    """Once a request has committed its writes, what it reads to render takes no lock."""
    if has_request_context():
        sqlite_write_intent.set(False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """Turn on WAL, foreign keys and secure delete on every SQLite connection.

    Secure delete zeroes what a change frees, so an erased customer's old bytes do not linger
    in the file (Debian's SQLite does it by default; SQLite's own default does not). The busy
    timeout (how long a writer waits for another's lock) is the driver's `timeout`, from
    SQLITE_BUSY_TIMEOUT_SECONDS (sqlite_engine_options).
    """
    sqlite3 = _sqlite3_module()
    if sqlite3 is None or not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin hook below emits BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    """Start SQLite transactions ourselves, taking the write lock up front when writing."""
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


# SQLite's messages when a lock was not granted within the busy timeout; PostgreSQL's
# lock_not_available (a lock_timeout ran out).
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
_LOCK_NOT_AVAILABLE = "55P03"


def sqlite_engine_options(options: dict, busy_timeout_seconds: float) -> dict:
    """The engine options with SQLite's busy timeout, unless the options set one already."""
    connect_args = {"timeout": float(busy_timeout_seconds), **options.get("connect_args", {})}
    return {**options, "connect_args": connect_args}


def is_database_busy(error: BaseException) -> bool:
    """Whether an error means the database was locked by another writer for longer than the
    wait allowed: worth retrying in a moment, not a fault of the request."""
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    sqlite3 = _sqlite3_module()
    if sqlite3 is not None and isinstance(original, sqlite3.OperationalError):
        return str(original).lower().startswith(_BUSY_MESSAGES)
    return getattr(original, "sqlstate", None) == _LOCK_NOT_AVAILABLE
