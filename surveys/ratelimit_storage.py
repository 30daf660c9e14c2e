"""Rate-limit counters in a SQLite file, shared by every worker process on one machine.

Registered with the `limits` library under the `sqlite` scheme, so
`RATELIMIT_STORAGE_URI=sqlite:////var/lib/counterpulse/ratelimits.db` (the same URL form as
SQLAlchemy's) makes Flask-Limiter count there. The counters sit in a file of their own, not in
the app's database: a sign-in attempt never waits behind a kiosk tap for SQLite's write lock,
and the file holds nothing worth a backup. Fixed windows only (the app's strategy).

Each increment is one UPSERT ... RETURNING statement, atomic across processes, so two gunicorn
workers counting the same key see 1, 2, 3 ... and never both see the same number.
"""

import os
import threading
import time
from typing import TYPE_CHECKING

from limits.storage import Storage

if TYPE_CHECKING:
    import sqlite3

SCHEME = "sqlite"
BUSY_TIMEOUT_MS = 10_000
PURGE_EVERY_SECONDS = 60  # how often one process deletes other keys' expired windows

SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limit_counter (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_rate_limit_counter_expires_at ON rate_limit_counter (expires_at);
"""

INCREMENT = """
INSERT INTO rate_limit_counter (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at <= :now THEN :amount ELSE count + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING count
"""


def path_of(uri: str) -> str:
    """The file a `sqlite:///relative` or `sqlite:////absolute` URL names."""
    prefix = f"{SCHEME}:///"
    if not uri.startswith(prefix) or uri == prefix:
        raise ValueError(f"A rate-limit storage URL names a file: {SCHEME}:////path/to/file.db")
    return uri.removeprefix(prefix)


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite table: key, count, end of the window."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = path_of(uri or "")
        self._local = threading.local()
        self._next_purge = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        import sqlite3  # here: a worker that counts in Redis never loads it (1 MB)

        return sqlite3.Error

    def _connection(self) -> "sqlite3.Connection":
        """This thread's connection, opened again after a fork (gunicorn --preload)."""
        import sqlite3  # as in base_exceptions

        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            connection.isolation_level = None  # every statement commits on its own
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        row = connection.execute(
            INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}
        ).fetchone()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_SECONDS
            connection.execute("DELETE FROM rate_limit_counter WHERE expires_at <= ?", (now,))
        return int(row[0])

    def _window(self, key: str) -> tuple[int, float] | None:
        """The key's count and the end of its window while the window lasts, else None."""
        cursor = self._connection().execute(
            "SELECT count, expires_at FROM rate_limit_counter WHERE key = ? AND expires_at > ?",
            (key, time.time()),
        )
        return cursor.fetchone()

    def get(self, key: str) -> int:
        window = self._window(key)
        return int(window[0]) if window else 0

    def get_expiry(self, key: str) -> float:
        window = self._window(key)
        return float(window[1]) if window else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except self.base_exceptions:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_limit_counter").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_limit_counter WHERE key = ?", (key,))
