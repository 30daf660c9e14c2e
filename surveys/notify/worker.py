"""Running the outbox: `flask outbox work`, or one thread inside each app process.

The thread starts lazily on a process's first request, so under gunicorn each worker starts
its own after the fork, and the CLI and migrations, which serve no request, never start one.
It is on by default for one machine on SQLite and off once PostgreSQL is configured, where
`flask --app wsgi outbox work` runs as its own service (OUTBOX_IN_PROCESS overrides both).

Every worker, thread or process, also runs the periodic jobs (JOBS); their leases
(surveys/periodic.py) let each run once per period in the whole cluster.
"""

import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from surveys.cases.escalation import escalate_overdue_alerts, raise_surges
from surveys.cases.follow_ups import remind_due_follow_ups
from surveys.db import db, is_database_busy, sqlite_write_intent
from surveys.notify.digests import send_due_digests
from surveys.notify.outbox import ENQUEUED, deliver_next, give_up_abandoned
from surveys.periodic import run_if_due
from surveys.privacy.retention import purge_all_expired

# Set when a transaction that enqueued messages commits, so a worker in the same process
# delivers at once instead of at its next poll. Other processes simply poll.
enqueued = threading.Event()
_start_lock = threading.Lock()


@event.listens_for(Session, "after_commit")
def _wake_after_enqueue(session):
    # after_commit also fires when a savepoint is released; only the outer commit makes the
    # rows visible to the worker, and a wake before it would be spent on finding nothing.
    if session.in_nested_transaction():
        return
    if session.info.pop(ENQUEUED, False):
        enqueued.set()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(ENQUEUED, None)


def _in_transaction(job: Callable[[], object]) -> Callable[[], None]:
    """A check that writes in one transaction, committed at its end."""

    def run() -> None:
        sqlite_write_intent.set(True)
        job()
        db.session.commit()

    return run


def _purge() -> None:
    sqlite_write_intent.set(True)
    counts = purge_all_expired()
    if counts.responses:
        current_app.logger.info("retention purge: %d contact(s) removed", counts.customers)


# Each periodic job: its lease name, the setting that holds its period, what it runs.
JOBS: list[tuple[str, str, Callable[[], object]]] = [
    ("escalation", "OUTBOX_CHECK_SECONDS", _in_transaction(escalate_overdue_alerts)),
    ("surges", "OUTBOX_CHECK_SECONDS", _in_transaction(raise_surges)),
    ("follow-ups", "OUTBOX_CHECK_SECONDS", _in_transaction(remind_due_follow_ups)),
    ("abandoned-messages", "OUTBOX_CHECK_SECONDS", _in_transaction(give_up_abandoned)),
    ("digests", "OUTBOX_CHECK_SECONDS", send_due_digests),
    ("retention-purge", "PRIVACY_PURGE_SECONDS", _purge),
]


def run_checks(app: Flask, force: bool = False) -> list[str]:
    """Every periodic job whose turn it is, each at most once per period in the cluster
    (surveys/periodic.py); the names of those this process ran. A failing job is logged
    and the others still run."""
    ran = []
    for name, setting, job in JOBS:
        period = timedelta(seconds=float(app.config[setting]))
        with app.app_context():
            try:
                if run_if_due(name, period, job, force=force):
                    ran.append(name)
            except Exception as error:
                db.session.rollback()
                if is_database_busy(error):  # another writer held the lock: not a fault
                    app.logger.warning("periodic job %s: database busy; tried next period", name)
                else:
                    app.logger.exception("periodic job %s failed; it runs again next period", name)
    return ran


def deliver_due(app: Flask, limit: int | None = None) -> int:
    """Deliver due messages until none is left (or `limit`); how many were attempted."""
    count = 0
    while limit is None or count < limit:
        with app.app_context():
            if not deliver_next():
                return count
        count += 1
    return count


def drain(app: Flask) -> int:
    """`--once`: run the checks and the purge, deliver everything due, and return."""
    run_checks(app, force=True)
    return deliver_due(app)


def work(app: Flask, stop: threading.Event, threads: int = 1) -> None:
    """Deliver and check until `stop` is set, with `threads` delivering side by side."""
    helpers = [
        threading.Thread(target=_deliver_loop, args=(app, stop), daemon=True, name=f"outbox-{n}")
        for n in range(1, threads)
    ]
    for helper in helpers:
        helper.start()
    _deliver_loop(app, stop, run_checks_too=True)
    for helper in helpers:
        helper.join()


def _deliver_loop(app: Flask, stop: threading.Event, run_checks_too: bool = False) -> None:
    poll = app.config["OUTBOX_POLL_SECONDS"]
    every = app.config["OUTBOX_CHECK_SECONDS"]
    next_check = 0.0
    while not stop.is_set():
        enqueued.clear()  # before looking, so a commit after the look still wakes the wait
        try:
            if run_checks_too and time.monotonic() >= next_check:
                run_checks(app)
                next_check = time.monotonic() + every
            if deliver_due(app, limit=50):
                continue
        except Exception:
            app.logger.exception("outbox worker: a round failed; trying again shortly")
        enqueued.wait(poll)


def start_in_process(app: Flask) -> bool:
    """Start this process's worker thread unless it runs already; True when started now."""
    state = app.extensions.setdefault("outbox_worker", {})
    with _start_lock:
        if state.get("pid") == os.getpid():
            return False
        state["pid"] = os.getpid()  # a forked child has another pid and starts its own
        state["stop"] = stop = threading.Event()
        thread = threading.Thread(
            target=work, args=(app, stop), daemon=True, name="counterpulse-outbox"
        )
        state["thread"] = thread
        thread.start()
        return True


def init_app(app: Flask) -> None:
    """With OUTBOX_IN_PROCESS, start the worker thread on the process's first request."""
    if not app.config["OUTBOX_IN_PROCESS"]:
        return

    @app.before_request
    def _start_outbox_worker():
        if app.extensions.get("outbox_worker", {}).get("pid") != os.getpid():
            start_in_process(app)
