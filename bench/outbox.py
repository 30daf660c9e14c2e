"""Outbox figures: delivery throughput to a local receiver against raw POSTs (the baseline),
and the delay from a committed alert to its webhook call, for the in-process worker and for
a separate `flask outbox work` process.

Run by hand from the repository root:  .venv/bin/python bench/outbox.py [--messages 500]
Uses a SQLite file in a temporary folder, or DATABASE_URL when set (an empty database).
Every request goes to a receiver on 127.0.0.1 started here; nothing else is contacted.
"""

import argparse
import http.client
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from surveys.capture.responses import Tap, record_tap  # noqa: E402
from surveys.db import db  # noqa: E402
from surveys.demo.shops import set_up_demo  # noqa: E402
from surveys.models import Device, Survey, Webhook, utcnow  # noqa: E402
from surveys.notify.outbox import enqueue_webhook  # noqa: E402
from surveys.notify.targets import add_webhook  # noqa: E402
from surveys.notify.webhooks import sign  # noqa: E402
from surveys.notify.worker import deliver_due, work  # noqa: E402
from surveys.places.devices import device_for_pairing_code, pair_device  # noqa: E402
from tests.surveys.notify.receiver import Receiver  # noqa: E402
from wsgi import create_app  # noqa: E402

TAPS_FROM = utcnow() - timedelta(days=1)
TAP_NUMBERS = itertools.count()


@dataclass
class Setup:
    app: Flask
    webhook_id: int
    device_id: int
    question_id: int


def set_up(uri: str, receiver: Receiver) -> Setup:
    """A migrated database with the demo, a paired kiosk and a webhook to the receiver."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "bench",
            "OUTBOX_IN_PROCESS": False,
            "WEBHOOK_ALLOW_PRIVATE": True,
        }
    )
    with app.app_context():
        upgrade()
        device = device_for_pairing_code(set_up_demo().pairing_code)
        pair_device(device)
        device.location.surge_threshold_percent = 0  # the bench's taps are not a surge
        webhook, receiver.secret = add_webhook(device.location, receiver.url, "generic")
        db.session.commit()
        question = db.session.scalars(select(Survey)).one().main_question
        return Setup(app, webhook.id, device.id, question.id)


def raw_posts(receiver: Receiver, count: int) -> float:
    """The baseline: signed POSTs straight to the receiver, a new connection each; per s."""
    body = b'{"type":"bench","data":{}}'
    started = time.perf_counter()
    for n in range(count):
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": f"msg_raw{n}",
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(receiver.secret, f"msg_raw{n}", stamp, body),
        }
        connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
        connection.request("POST", "/hooks/counterpulse", body=body, headers=headers)
        connection.getresponse().read()
        connection.close()
    return count / (time.perf_counter() - started)


def outbox_throughput(setup: Setup, receiver: Receiver, count: int, threads: int) -> float:
    """Enqueue `count` calls, then drain them with `threads` workers; messages per second."""
    with setup.app.app_context():
        webhook = db.session.get(Webhook, setup.webhook_id)
        facts = {"location": "Bench", "at": utcnow().isoformat() + "Z"}
        for _ in range(count):
            enqueue_webhook(webhook, "webhook.test", facts, "en")
        db.session.commit()
    before = len(receiver.log)
    started = time.perf_counter()
    workers = [threading.Thread(target=deliver_due, args=(setup.app,)) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    assert len(receiver.log) - before == count, "every message must arrive once"
    return count / elapsed


def tap_delays(setup: Setup, receiver: Receiver, taps: int) -> list[float]:
    """Seconds from a sad tap's commit (with its alert) to the receiver getting the call."""
    delays = []
    for _ in range(taps):
        with setup.app.app_context():
            device = db.session.get(Device, setup.device_id)
            # Captured 10 s apart a day ago, so no two taps ever count as a double press.
            captured = (TAPS_FROM + timedelta(seconds=10 * next(TAP_NUMBERS))).isoformat() + "Z"
            tap = Tap(str(uuid.uuid4()), str(setup.question_id), "1", "en", captured)
            before = len(receiver.log)
            record_tap(device, tap)
            db.session.commit()
            committed = time.time()
        receiver.wait_for(before + 1, timeout=30)
        delays.append(receiver.log[before].received_at - committed)
        time.sleep(0.3)
    return delays


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def separate_worker(uri: str) -> subprocess.Popen:
    """`flask --app wsgi outbox work` in its own process, with the default 1 s poll."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        COUNTERPULSE_SQLALCHEMY_DATABASE_URI=uri,
        COUNTERPULSE_SECRET_KEY="bench",
        COUNTERPULSE_WEBHOOK_ALLOW_PRIVATE="1",
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--taps", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="cp-bench-")
    uri = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    receiver = Receiver().start()
    setup = set_up(uri, receiver)
    print(f"database: {uri.split(':')[0]}; {args.messages} messages; {args.taps} taps")
    print(f"baseline, raw signed POSTs:     {raw_posts(receiver, args.messages):6.0f} msg/s")
    for threads in (1, 2):
        rate = outbox_throughput(setup, receiver, args.messages, threads)
        print(f"outbox, {threads} delivery thread(s):  {rate:6.0f} msg/s")

    stop = threading.Event()
    in_process = threading.Thread(target=work, args=(setup.app, stop), daemon=True)
    in_process.start()
    delays = tap_delays(setup, receiver, args.taps)
    stop.set()
    in_process.join()
    print(f"alert -> webhook, in-process worker (woken on commit): {summary(delays)}")

    process = separate_worker(uri)
    time.sleep(3)  # let it start and drain
    try:
        delays = tap_delays(setup, receiver, args.taps)
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(f"alert -> webhook, separate worker process (1 s poll): {summary(delays)}")
    receiver.stop()


if __name__ == "__main__":
    main()
