"""What every worker process and every app host must share, decided once at start-up.

One machine (SQLite): the secret key may come from the instance folder, and the rate-limit
counters live in a SQLite file beside the database, so `gunicorn -w 2` counts each limit once.
A chain of hosts (PostgreSQL): each host would make its own secret key (sessions and signed
links would work on one host only) and count its own limits, so the app refuses to start
without a shared COUNTERPULSE_SECRET_KEY and REDIS_URL. TESTING lifts the Redis rule only, for
tests on one process.
"""

from pathlib import Path

from surveys import ratelimit_storage


class SharedStateMissing(RuntimeError):
    """A multi-host setup without a setting every host must share; the app does not start."""


def is_postgresql(uri: str) -> bool:
    return uri.startswith(("postgresql", "postgres:"))


def refuse_unshared_hosts(config) -> None:
    """Refuse a PostgreSQL setup without a shared secret key or without Redis."""
    if not is_postgresql(str(config["SQLALCHEMY_DATABASE_URI"])):
        return
    missing = []
    if not config.get("SECRET_KEY"):
        missing.append(
            "COUNTERPULSE_SECRET_KEY: the same long random value on every host "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'), or sessions, "
            "signed links and receipt codes made on one host fail on the others"
        )
    if not config.get("REDIS_URL") and not config.get("TESTING"):
        missing.append(
            "REDIS_URL: one Redis for every host (e.g. redis://redis-host:6379/0), or each "
            "host counts its own rate limits and every limit multiplies by the number of hosts"
        )
    if missing:
        raise SharedStateMissing(
            "DATABASE_URL names PostgreSQL, a setup for many app hosts, so Counterpulse does "
            "not start without: " + "; ".join(missing) + "."
        )


def rate_limit_storage(config, instance_path: str) -> str:
    """Where the rate-limit counters live, unless RATELIMIT_STORAGE_URI says it: Redis when
    REDIS_URL is set, else a SQLite file beside a SQLite database; memory only for what one
    process serves anyway (an in-memory database, or tests on PostgreSQL without Redis). A
    relative SQLite path is in the instance folder, as Flask-SQLAlchemy reads it."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"]
    if config.get("REDIS_URL"):
        return config["REDIS_URL"]
    database = str(config["SQLALCHEMY_DATABASE_URI"])
    prefix = "sqlite:///"
    if database.startswith(prefix) and database != prefix and ":memory:" not in database:
        path = Path(instance_path) / database.removeprefix(prefix).split("?", 1)[0]
        counters = path.with_name(path.stem + "-ratelimits.db")
        return f"{ratelimit_storage.SCHEME}:///{counters}"
    return "memory://"
