"""Two `flask --app wsgi outbox work` processes sharing PostgreSQL, as two hosts would: each
periodic job runs once per period between them (counted on its lease), and what the jobs do
happens once: one escalation per case, one surge."""

import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from surveys.db import db
from surveys.models import Alert, MessageKind, OutboxMessage, Surge, utcnow
from surveys.notify.worker import JOBS
from surveys.periodic import runs
from tests.conftest import TEST_DATABASE_URL
from tests.log_capture import scan_output
from tests.surveys.notify.conftest import sad_tap
from tests.surveys.notify.test_worker import worker
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]
PERIOD_S = 1  # every job's period here: OUTBOX_CHECK_SECONDS and PRIVACY_PURGE_SECONDS
NAMES = [name for name, _setting, _job in JOBS]
CASES = 4


def all_runs() -> Counter:
    db.session.rollback()  # a fresh snapshot of what the workers committed
    counted = Counter({name: runs(name) for name in NAMES})
    db.session.rollback()
    return counted


def events_per_alert(event: str) -> Counter:
    db.session.rollback()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.WEBHOOK)
    ).all()
    return Counter(row.alert_id for row in rows if row.payload["event"] == event)


def test_two_workers_run_each_periodic_job_once_per_period(
    database_uri, device, demo, receiver, webhook, tmp_path
):
    for n in range(CASES):  # four unhappy customers in a row: four cases and a surge
        sad_tap(device, demo, seconds_ago=10 * n)
    db.session.execute(update(Alert).values(created_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    db.engine.dispose()
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    settings = {"OUTBOX_CHECK_SECONDS": PERIOD_S, "PRIVACY_PURGE_SECONDS": PERIOD_S}
    workers = []
    for log in logs:
        with log.open("wb") as output:
            workers.append(worker(database_uri, "--threads", "1", output=output, **settings))
    try:
        for log in logs:  # each is in its loop: from here on both race for every turn
            wait_until(lambda log=log: b"Outbox worker running" in log.read_bytes(), 60, log.name)
        before, since = all_runs(), time.monotonic()
        # Each case escalated (and its alert raised) once, one surge: all delivered.
        wait_until(lambda: len(set(receiver.delivered_ids())) == 2 * CASES + 1, 60, "delivery")
        time.sleep(max(0.0, since + 6 * PERIOD_S - time.monotonic()))  # six periods at least
        after, elapsed = all_runs(), time.monotonic() - since
    finally:
        for process in workers:  # every one stopped, or it would run on into other tests
            process.send_signal(signal.SIGTERM)
        for process in workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        for log in logs:
            scan_output("outbox worker", log.read_text())

    periods = elapsed / PERIOD_S
    ran = after - before
    for name in NAMES:
        # Two workers without the lease would run each job about twice per period.
        assert 1 <= ran[name] <= periods + 1, (name, ran[name], periods)
    assert sorted(events_per_alert("alert.escalated").values()) == [1] * CASES
    assert sorted(events_per_alert("alert.raised").values()) == [1] * CASES
    assert db.session.scalar(select(func.count()).select_from(Surge)) == 1
    types = Counter(request.json()["type"] for request in receiver.log)
    assert types == Counter({"alert.raised": CASES, "alert.escalated": CASES, "surge.raised": 1})
