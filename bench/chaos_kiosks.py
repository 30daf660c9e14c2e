"""Chaos for kiosks: no answer lost, none stored twice, while gunicorn workers die and replies
get lost on the way back.

Run by hand, loopback only, bounded in time:
`.venv/bin/python bench/chaos_kiosks.py --seconds 600` (the issue's ten minutes).

Phase 1: simulated kiosks (HTTP clients with the tablet outbox's rules: oldest first, an
entry leaves only on 2xx or 409, network errors and 5xx retried with backoff) submit taps
and follow-ups to gunicorn with 3 workers; one worker is killed with SIGKILL every 15 s.
Phase 2: taps whose first reply a small proxy swallows after the server stored them; the
kiosks retry. At the end the database must hold every acknowledged answer exactly once.
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.lossy_proxy import DROP_HEADER, LossyProxy  # noqa: E402
from surveys.db import db  # noqa: E402
from surveys.demo.shops import set_up_demo  # noqa: E402
from surveys.models import Answer, Location, Response, Survey  # noqa: E402
from surveys.places.devices import create_device, pair_device  # noqa: E402
from wsgi import create_app  # noqa: E402

BACKOFF_FIRST_S = 1.0  # as static/js/kiosk-queue.js
BACKOFF_MAX_S = 30.0
SEND_TIMEOUT_S = 15.0
DRAIN_LIMIT_S = 120.0
HEADERS = {"HX-Request": "true", "HX-Request-Type": "partial"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def set_up(database_url: str, kiosks: int) -> list[tuple[str, dict]]:
    """A migrated database with the demo (two shops, one survey) and `kiosks` paired
    tablets spread over the shops: each tablet's cookie and the ids it answers with."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "chaos"})
    with app.app_context():
        upgrade()
        set_up_demo()
        locations = db.session.scalars(select(Location).order_by(Location.id)).all()
        questions = db.session.scalars(select(Survey)).one().questions
        ids = {"rating": questions[0].id, "topics": questions[1].id, "praise": questions[5].id}
        tablets = []
        for n in range(kiosks):
            location = locations[n % len(locations)]
            location.response_interval_seconds = 0
            token = pair_device(create_device(location, f"Chaos {n}")[0])
            tablets.append((token, ids | {"staff": location.active_staff()[0].id}))
        db.session.commit()
        db.engine.dispose()
    return tablets


class Kiosk:
    """One simulated tablet: its outbox, and what the server acknowledged."""

    def __init__(self, base_url: str, token: str, ids: dict, stats: Counter):
        self.base_url, self.ids, self.stats = base_url, ids, stats
        self.session = requests.Session()
        self.session.cookies.set("counterpulse_device", token, path="/kiosk")
        self.outbox: deque[dict] = deque()
        self.acked_taps: set[str] = set()
        self.acked_follow_ups: dict[str, int] = {}  # response id -> answers it added

    def customer(self, drop_first_reply: bool = False) -> None:
        """A visit: a tap, and for an unhappy or happy one sometimes the follow-up."""
        rating = random.randint(1, 5)
        response_id = str(uuid.uuid4())
        tap = {
            "response_id": response_id,
            "question": str(self.ids["rating"]),
            "rating": str(rating),
            "language": "en",
            "captured_at": datetime.now(UTC).isoformat(),
        }
        self.outbox.append(
            {
                "kind": "tap",
                "id": response_id,
                "url": "/kiosk/responses",
                "body": tap,
                "drop": drop_first_reply,
                "attempts": 0,
            }
        )
        if rating != 3 and random.random() < 0.5 and not drop_first_reply:
            question, value = ("topics", "waiting") if rating < 3 else ("praise", self.ids["staff"])
            self.outbox.append(
                {
                    "kind": "follow_up",
                    "id": response_id,
                    "url": f"/kiosk/responses/{response_id}/follow-up",
                    "body": {f"q{self.ids[question]}": str(value)},
                    "attempts": 0,
                }
            )

    def send_oldest(self) -> float:
        """Send the oldest entry; the seconds to wait before the next try (0: go on)."""
        entry = self.outbox[0]
        headers = HEADERS | ({DROP_HEADER: "1"} if entry.get("drop") else {})
        try:
            reply = self.session.post(
                self.base_url + entry["url"],
                data=entry["body"],
                headers=headers,
                timeout=SEND_TIMEOUT_S,
            )
            status = reply.status_code
        except requests.RequestException as error:
            self.stats[f"retry: {type(error).__name__}"] += 1
            status = None
        entry["drop"] = False
        if status is not None and (200 <= status < 300 or status == 409):
            self.outbox.popleft()
            self.acknowledge(entry, status)
            return 0.0
        if status is not None and 400 <= status < 500:
            self.outbox.popleft()
            self.stats[f"refused {status}"] += 1
            return 0.0
        if status is not None:
            self.stats[f"retry: HTTP {status}"] += 1
        entry["attempts"] += 1
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (entry["attempts"] - 1))
        return delay * (0.5 + random.random() / 2)

    def acknowledge(self, entry: dict, status: int) -> None:
        self.stats[f"acknowledged {entry['kind']} {status}"] += 1
        if entry["kind"] == "tap":
            self.acked_taps.add(entry["id"])
        else:
            self.acked_follow_ups[entry["id"]] = 1

    def drain(self, deadline: float) -> None:
        """Send until the outbox is empty or the deadline passes."""
        while self.outbox and time.monotonic() < deadline:
            wait = self.send_oldest()
            time.sleep(min(wait, max(0.0, deadline - time.monotonic())))


def run_kiosk(kiosk: Kiosk, stop_at: float) -> None:
    """Customers keep coming until stop_at; the outbox is emptied as it goes."""
    while time.monotonic() < stop_at:
        kiosk.customer()
        kiosk.drain(stop_at)
        time.sleep(random.uniform(0.05, 0.3))
    kiosk.drain(time.monotonic() + DRAIN_LIMIT_S)


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children, read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def kill_workers(master: int, every: float, stop: threading.Event, kills: list) -> None:
    """SIGKILL one random worker every `every` seconds until told to stop."""
    while not stop.wait(every):
        pids = worker_pids(master)
        if pids:
            victim = random.choice(pids)
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": database_url, "COUNTERPULSE_SECRET_KEY": "chaos"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/kiosk/", timeout=2)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def stored(database_url: str) -> tuple[dict[str, tuple[int, str]], int]:
    """Every stored response id with its number of answers and follow-up state; the rows."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "chaos"})
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Response))
        statement = (
            select(Response.uuid, func.count(Answer.id), Response.follow_up)
            .join(Answer)
            .group_by(Response.uuid, Response.follow_up)
        )
        answers = {rid: (count, str(state)) for rid, count, state in db.session.execute(statement)}
        db.engine.dispose()
    return answers, rows


def phase_one(args, base_url, tablets, master, stats) -> tuple[list[Kiosk], int]:
    kiosks = [Kiosk(base_url, token, ids, stats) for token, ids in tablets]
    stop_at = time.monotonic() + args.seconds
    stop, kills = threading.Event(), []
    killer = threading.Thread(target=kill_workers, args=(master, args.kill_every, stop, kills))
    threads = [threading.Thread(target=run_kiosk, args=(k, stop_at)) for k in kiosks]
    killer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    killer.join()
    return kiosks, len(kills)


def phase_two(args, proxy_url, tablets, stats) -> list[Kiosk]:
    kiosks = [Kiosk(proxy_url, token, ids, stats) for token, ids in tablets]
    for n in range(args.lost_acks):
        kiosks[n % len(kiosks)].customer(drop_first_reply=True)
    deadline = time.monotonic() + DRAIN_LIMIT_S
    threads = [threading.Thread(target=k.drain, args=(deadline,)) for k in kiosks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return kiosks


def report(kiosks, lost_ack_kiosks, answers, rows, kills, proxy, stats, seconds) -> bool:
    acked = set().union(*(k.acked_taps for k in kiosks + lost_ack_kiosks))
    lost = acked - set(answers)
    waiting = sum(len(k.outbox) for k in kiosks + lost_ack_kiosks)
    follow_ups = {rid for k in kiosks for rid in k.acked_follow_ups}
    # A follow-up adds one topic answer (unhappy) or names a staff member (happy): no more.
    short = [rid for rid in follow_ups if answers.get(rid, (0, ""))[1] != "given"]
    # Only the kiosks' answers: the demo's sample cases have more answers of their own.
    doubled = [rid for rid in acked if answers.get(rid, (0, ""))[0] > 2]
    phase_two_ids = set().union(*(k.acked_taps for k in lost_ack_kiosks))
    print(f"duration of phase 1: {seconds} s, kiosks: {len(kiosks)}, workers killed: {kills}")
    for name, count in sorted(stats.items()):
        print(f"  {name}: {count}")
    print(f"acknowledged taps: {len(acked)}, follow-ups: {len(follow_ups)}")
    print(f"rows: {rows}, distinct ids: {len(answers)}, still waiting in outboxes: {waiting}")
    print(f"lost (acknowledged, not stored): {len(lost)}")
    print(
        f"duplicated (rows - distinct ids, answers stored twice): {rows - len(answers)}, "
        f"{len(doubled)}; follow-ups acknowledged but missing: {len(short)}"
    )
    print(
        f"lost acknowledgements: {proxy.dropped} replies dropped after the server answered "
        f"{dict(proxy.dropped_statuses)}; their taps stored: "
        f"{len(phase_two_ids & set(answers))} of {len(phase_two_ids)}"
    )
    return not (lost or doubled or short or waiting or rows != len(answers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="length of phase 1")
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=15.0)
    parser.add_argument("--lost-acks", type=int, default=100)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite:///{folder}/chaos.db"
        tablets = set_up(database_url, args.kiosks)
        port = free_port()
        server = start_gunicorn(database_url, port, args.workers)
        proxy = LossyProxy(("127.0.0.1", port))
        stats: Counter = Counter()
        try:
            base_url = f"http://127.0.0.1:{port}"
            kiosks, kills = phase_one(args, base_url, tablets, server.pid, stats)
            lost_ack_kiosks = phase_two(args, proxy.url, tablets, stats)
        finally:
            proxy.close()
            server.terminate()
            server.wait(timeout=30)
        answers, rows = stored(database_url)
        ok = report(kiosks, lost_ack_kiosks, answers, rows, kills, proxy, stats, args.seconds)
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
