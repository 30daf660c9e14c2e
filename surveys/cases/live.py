"""The inbox's live signal: after a commit that raised or changed an alert, each location
whose feed changed is named on Redis pub/sub, and the inbox streams opened on it are told.

The signal carries no data but the location's id: an inbox told "something changed here"
asks for the same feed partial its poll asks for (admin/alerts.py), so what the manager
sees is decided in one place, with their own access. Without REDIS_URL nothing is published
and the inbox keeps polling the database cursor (surveys/cases/inbox.py).

The session hooks collect the locations while flushing (session.info) and publish only
after the commit succeeded: a rolled-back alert is never announced.
"""

import logging
import time
from collections.abc import Iterable, Iterator

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from surveys.models import Alert, AlertEvent

log = logging.getLogger(__name__)

_CHANGED = "inbox_changed_locations"
_clients: dict[str, object] = {}


def channel(prefix: str, location_id: int) -> str:
    """The pub/sub channel of a location (pub/sub ignores Redis' db number, so the prefix,
    INBOX_CHANNEL_PREFIX, keeps two installations on one Redis apart)."""
    return f"{prefix}{location_id}"


def redis_client(url: str):
    """One Redis client (and its connection pool) per URL and process."""
    if url not in _clients:
        import redis

        # Each open stream holds a connection of its own (redis-py's pool stops at 100).
        _clients[url] = redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=5, max_connections=10_000
        )
    return _clients[url]


@event.listens_for(Alert, "after_insert")
@event.listens_for(Alert, "after_update")
@event.listens_for(AlertEvent, "after_insert")
def _collect(_mapper, _connection, row: Alert | AlertEvent) -> None:
    """Note the location of an alert or case event as it is written (by a flush, or
    surveys/direct_insert.py); its commit tells the streams."""
    if row.location_id:
        object_session(row).info.setdefault(_CHANGED, set()).add(row.location_id)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release (begin_nested) fires this too: wait for the real commit
    changed = session.info.pop(_CHANGED, None)
    if changed and has_app_context() and (url := current_app.config.get("REDIS_URL")):
        publish(url, current_app.config["INBOX_CHANNEL_PREFIX"], changed)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back; what the outer transaction wrote may still commit
    session.info.pop(_CHANGED, None)


def publish(url: str, prefix: str, location_ids: Iterable[int]) -> None:
    """Tell the streams of these locations; a Redis outage costs only the push (the
    inboxes fall back to polling), never the commit that already happened."""
    try:
        client = redis_client(url)
        for location_id in sorted(location_ids):
            client.publish(channel(prefix, location_id), str(location_id))
    except Exception as error:  # noqa: BLE001 - any Redis failure: log it, keep serving
        log.warning("inbox signal not published: %s", type(error).__name__)


class StreamUnavailable(Exception):
    """Redis did not take the subscription: the page falls back to polling."""


def subscribe(url: str, prefix: str, location_ids: Iterable[int]):
    """A Redis subscription to these locations' signals; raises StreamUnavailable when Redis
    is down, before any byte of the stream is sent, so the view can answer 503 instead."""
    from redis.exceptions import RedisError  # redis is loaded only where it is configured

    pubsub = redis_client(url).pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(*[channel(prefix, location_id) for location_id in location_ids])
    except RedisError as error:
        pubsub.close()
        raise StreamUnavailable() from error
    except Exception:
        pubsub.close()
        raise
    return pubsub


def stream_events(pubsub, seconds: float, heartbeat: float, retry_ms: int) -> Iterator[str]:
    """The text/event-stream of one open inbox: a `retry:` line, a `changed` event per
    signal for its locations, a comment every `heartbeat` seconds (which also finds a
    client that went away), and `bye` after `seconds`, when the page reconnects. It asks
    nothing of the database. The subscription is closed however the stream ends."""
    try:
        yield f"retry: {retry_ms}\n\n"
        ends = time.monotonic() + seconds
        beat = time.monotonic() + heartbeat
        while (now := time.monotonic()) < ends:
            message = pubsub.get_message(timeout=max(0.0, min(ends, beat) - now))
            if message is not None and message["type"] == "message":
                yield f"event: changed\ndata: {int(message['data'])}\n\n"
            if time.monotonic() >= beat:
                beat = time.monotonic() + heartbeat
                yield ": heartbeat\n\n"
        yield "event: bye\ndata: \n\n"
    finally:
        pubsub.close()
