"""Prometheus metrics: taps, alerts, outbox outcomes and request latency.

Counts of stored rows (taps, alerts, dead messages) are added when the transaction that
stored them commits, never for a rolled-back one. Under gunicorn every worker is its own
process: with PROMETHEUS_MULTIPROC_DIR set (an empty directory, emptied before each
start) prometheus_client keeps each process's values in files there and `exposition()`
adds them up, so one scrape sees every worker and the `outbox work` process alike.
"""

import hmac
import os
from collections import Counter as Tally

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from surveys.models import Alert, Channel, OutboxStatus, Response

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
PENDING = "counterpulse.metrics_pending"  # a session.info tally, added on commit

if (_directory := os.environ.get(MULTIPROCESS_DIR)) and not os.path.isdir(_directory):
    raise RuntimeError(f"{MULTIPROCESS_DIR}={_directory} is not a directory: create it first")

TAPS = Counter("counterpulse_taps", "Answers started (first taps stored), by channel", ["channel"])
ALERTS = Counter("counterpulse_alerts_raised", "Alerts raised, by reason", ["reason"])
OUTBOX = Counter(
    "counterpulse_outbox_messages",
    "Outbox delivery attempts settled: delivered, failed (retried later), dead (given up)",
    ["outcome"],
)
REQUEST_SECONDS = Histogram(
    "counterpulse_request_duration_seconds",
    "Time to answer a request, by method, endpoint (the route's name) and status",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
COUNTERS = {"taps": TAPS, "alerts": ALERTS, "outbox": OUTBOX}
OUTCOMES = {
    OutboxStatus.DELIVERED: "delivered",
    OutboxStatus.PENDING: "failed",
    OutboxStatus.DEAD: "dead",
}

for _channel in Channel:  # every series exists from the start, at 0, so rates work at once
    TAPS.labels(str(_channel))
for _outcome in OUTCOMES.values():
    OUTBOX.labels(_outcome)


def count_on_commit(session: Session, metric: str, label: str, amount: int = 1) -> None:
    """Add to a counter once the session's transaction commits."""
    if amount:
        session.info.setdefault(PENDING, Tally())[(metric, label)] += amount


def outbox_settled(session: Session, status: OutboxStatus) -> None:
    """One delivery attempt ended in `status`; counted when its transaction commits."""
    count_on_commit(session, "outbox", OUTCOMES[status])


@event.listens_for(Response, "after_insert")
def _count_tap(_mapper, _connection, response: Response) -> None:
    """A new response (a tap), as it is written (by a flush or surveys/direct_insert.py)."""
    count_on_commit(object_session(response), "taps", str(response.channel))


@event.listens_for(Alert, "after_insert")
def _count_alert(_mapper, _connection, alert: Alert) -> None:
    """A new alert, as it is written."""
    count_on_commit(object_session(alert), "alerts", alert.reason)


@event.listens_for(Session, "after_commit")
def _add_committed(session):
    if session.in_nested_transaction():  # a released savepoint commits nothing yet
        return
    for (metric, label), amount in session.info.pop(PENDING, Tally()).items():
        COUNTERS[metric].labels(label).inc(amount)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(PENDING, None)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, endpoint, str(status)).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, of every process when multiprocess."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def token_accepted(expected: str | None, authorization: str | None) -> bool:
    """Whether an Authorization header carries the metrics token (compared in constant time)."""
    scheme, _, given = (authorization or "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), str(expected).encode())
