"""The worker as it runs for real: `flask --app wsgi outbox work` processes against a file
SQLite database (or PostgreSQL with TEST_DATABASE_URL), killed mid-delivery and restarted,
and several workers at once; and the thread inside the app process.

Delivery is at least once. A worker killed after the receiver got a message, but before it
recorded the answer, cannot know the message arrived, so the message is sent again after
the lease runs out, with the same `webhook-id`; the receiver dedupes on that id (as the
Standard Webhooks spec asks of it). "Once" is therefore asserted as: after the restart every
message id arrives exactly once, every message id reaches the receiver with a 2xx answer,
and no message is marked delivered that the receiver did not get.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from surveys.capture.responses import Tap, record_tap
from surveys.db import db, sqlite_write_intent
from surveys.models import OutboxMessage, OutboxStatus
from surveys.notify.outbox import claim_next
from surveys.notify.targets import add_webhook
from surveys.notify.worker import enqueued, start_in_process
from surveys.places.devices import device_for_pairing_code, pair_device
from tests.log_capture import scan_output
from tests.surveys.notify.conftest import sad_tap
from tests.threads import join_all
from wsgi import create_app

ATTEMPTED = re.compile(r"^(\d+) message\(s\) attempted\.$", re.M)

ROOT = Path(__file__).resolve().parents[3]


def worker(database_uri: str, *args: str, output=subprocess.PIPE, **settings) -> subprocess.Popen:
    """`flask --app wsgi outbox work` in its own process, with a short lease; `settings`
    (COUNTERPULSE_ names without the prefix) change the others."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SMTP_URL"}}
    env.update(
        COUNTERPULSE_SQLALCHEMY_DATABASE_URI=database_uri,
        COUNTERPULSE_SECRET_KEY="worker-test",
        COUNTERPULSE_TESTING="1",  # on PostgreSQL, start without Redis (surveys/shared_state.py)
        COUNTERPULSE_WEBHOOK_ALLOW_PRIVATE="1",
        COUNTERPULSE_WEBHOOK_TIMEOUT_SECONDS="2",
        COUNTERPULSE_SMTP_TIMEOUT_SECONDS="2",
        COUNTERPULSE_OUTBOX_LEASE_SECONDS="5",
        COUNTERPULSE_OUTBOX_POLL_SECONDS="0.2",
        COUNTERPULSE_OUTBOX_CHECK_SECONDS="60",
    )
    env.update({f"COUNTERPULSE_{name}": str(value) for name, value in settings.items()})
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def sad_taps(device, demo, count: int) -> None:
    """Alerts enough to be a surge, which these tests keep out (surges are tested apart)."""
    device.location.surge_threshold_percent = 0
    for n in range(count):
        sad_tap(device, demo, seconds_ago=10 * n)


def statuses() -> dict[str, OutboxStatus]:
    """Every message's state as the workers committed it; holds no lock afterwards."""
    db.session.rollback()
    rows = db.session.execute(select(OutboxMessage.message_id, OutboxMessage.status)).all()
    db.session.rollback()  # a SQLite write transaction here would block the workers
    return dict(rows)


def wait_until_all_delivered(timeout: float = 30) -> dict[str, OutboxStatus]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = statuses()
        if all(status == OutboxStatus.DELIVERED for status in current.values()):
            return current
        time.sleep(0.1)
    raise AssertionError(f"not all delivered: {current}")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)
    scan_output("outbox worker", output)
    return output.decode()


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(database_uri, device, demo, receiver, webhook):
    sad_taps(device, demo, 5)
    ids = set(statuses())
    assert len(ids) == 5
    receiver.stall = stalled = threading.Event()

    first = worker(database_uri, "--threads", "1")
    (caught,) = receiver.wait_for(1, timeout=30)
    first.send_signal(signal.SIGKILL)
    scan_output("outbox worker", first.communicate(timeout=10)[0])
    receiver.stall = None
    stalled.set()  # the receiver answers a worker that is no longer there
    before = statuses()
    assert before[caught.webhook_id] == OutboxStatus.DELIVERING  # leased, not lost
    assert OutboxStatus.DELIVERED not in before.values()

    restarted_at = time.time()
    second = worker(database_uri, "--threads", "1")
    try:
        after = wait_until_all_delivered()
    finally:
        stop(second)

    assert set(after) == ids
    since_restart = Counter(r.webhook_id for r in receiver.log if r.received_at >= restarted_at)
    assert since_restart == Counter({message_id: 1 for message_id in ids})
    assert set(receiver.delivered_ids()) >= ids  # nothing marked delivered that did not arrive
    everything = Counter(r.webhook_id for r in receiver.log)
    assert everything[caught.webhook_id] == 2  # at least once: the cut-off one came again
    assert all(request.verified for request in receiver.log)


@pytest.mark.slow
def test_two_workers_never_deliver_the_same_message(database_uri, device, demo, receiver, webhook):
    sad_taps(device, demo, 24)
    receiver.delay = 0.1  # long enough for the workers' deliveries to overlap
    workers = [worker(database_uri, "--once") for _ in range(2)]
    outputs = [process.communicate(timeout=60)[0].decode() for process in workers]
    for output in outputs:
        scan_output("outbox worker", output)
    assert all(process.returncode == 0 for process in workers), outputs
    counts = Counter(r.webhook_id for r in receiver.log)
    assert counts == Counter({message_id: 1 for message_id in statuses()})
    assert set(statuses().values()) == {OutboxStatus.DELIVERED}
    # Each prints "N message(s) attempted."; a log line (a busy database, say) may come first.
    attempted = [int(ATTEMPTED.search(output).group(1)) for output in outputs]
    assert sum(attempted) == 24


def test_concurrent_claims_are_disjoint(app, device, demo, webhook):
    sad_taps(device, demo, 12)
    claimed: list[list[int]] = [[], [], []]

    def claim_all(bucket: list[int]):
        with app.app_context():
            while (claim := claim_next()) is not None:
                bucket.append(claim.id)

    threads = [threading.Thread(target=claim_all, args=(bucket,)) for bucket in claimed]
    for thread in threads:
        thread.start()
    join_all(threads)
    everything = [pk for bucket in claimed for pk in bucket]
    assert sorted(everything) == sorted(set(everything)) and len(everything) == 12


def test_the_worker_is_woken_by_the_outer_commit_not_by_the_savepoint(device, demo, webhook):
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "1", "en")
    enqueued.clear()
    record_tap(device, tap)  # stores the response, alert and messages inside a savepoint
    assert not enqueued.is_set()  # a wake now would find nothing committed
    db.session.commit()
    assert enqueued.is_set()


def test_the_in_process_worker_starts_once_per_process_on_the_first_request(
    database_uri, demo, receiver
):
    in_process = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TESTING": True,
            "SECRET_KEY": "t",
            "OUTBOX_IN_PROCESS": True,
            "OUTBOX_POLL_SECONDS": 0.2,
            "WEBHOOK_ALLOW_PRIVATE": True,
        }
    )
    assert "outbox_worker" not in in_process.extensions  # nothing runs before a request
    in_process.test_cli_runner().invoke(args=["outbox", "list"])
    assert "outbox_worker" not in in_process.extensions  # nor for a command
    client = in_process.test_client()
    client.get("/")
    state = in_process.extensions["outbox_worker"]
    thread = state["thread"]
    client.get("/")
    assert in_process.extensions["outbox_worker"]["thread"] is thread
    assert not start_in_process(in_process)
    # The test client ran the GETs in this thread and left their read-only SQLite intent
    # set; the writes below must take the write lock up front, as a POST would.
    sqlite_write_intent.set(True)
    try:
        with in_process.app_context():
            device = device_for_pairing_code(demo.pairing_code)
            pair_device(device)
            _hook, receiver.secret = add_webhook(device.location, receiver.url, "generic")
            db.session.commit()
            sad_tap(device, demo)
        (request,) = receiver.wait_for(1, timeout=20)
        assert request.verified and request.json()["type"] == "alert.raised"
    finally:
        state["stop"].set()
        thread.join(timeout=10)
        with in_process.app_context():
            db.engine.dispose()
    assert not thread.is_alive()


def test_a_forked_process_starts_its_own_worker(app):
    app.config["OUTBOX_POLL_SECONDS"] = 0.2
    state = app.extensions.setdefault("outbox_worker", {})
    state["pid"] = os.getpid() + 1_000_000  # as a forked child sees its parent's state
    try:
        assert start_in_process(app)
        assert state["pid"] == os.getpid() and state["thread"].is_alive()
    finally:
        state["stop"].set()
        join_all([state["thread"]], seconds=10)


def test_a_lease_shorter_than_a_delivery_is_refused(app):
    app.config["OUTBOX_LEASE_SECONDS"] = 4  # the webhook timeout is 15 s
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code != 0 and "OUTBOX_LEASE_SECONDS" in result.output


def test_the_in_process_worker_is_on_for_sqlite_off_for_postgresql_and_a_setting_decides(
    tmp_path, monkeypatch
):
    """One machine on SQLite delivers inside the app; with PostgreSQL `outbox work` does.
    Nothing connects here: the PostgreSQL address is never used."""
    monkeypatch.delenv("COUNTERPULSE_OUTBOX_IN_PROCESS", raising=False)
    shared = {"SECRET_KEY": "shared", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    sqlite = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'one.db'}", **shared}
    postgres = {"SQLALCHEMY_DATABASE_URI": "postgresql://cp@127.0.0.1:9/none", **shared}
    assert create_app(sqlite).config["OUTBOX_IN_PROCESS"] is True
    assert create_app(postgres).config["OUTBOX_IN_PROCESS"] is False
    assert create_app(postgres | {"OUTBOX_IN_PROCESS": True}).config["OUTBOX_IN_PROCESS"]
    monkeypatch.setenv("COUNTERPULSE_OUTBOX_IN_PROCESS", "false")
    assert create_app(sqlite).config["OUTBOX_IN_PROCESS"] is False
    monkeypatch.setenv("COUNTERPULSE_OUTBOX_IN_PROCESS", "true")
    assert create_app(postgres).config["OUTBOX_IN_PROCESS"] is True
