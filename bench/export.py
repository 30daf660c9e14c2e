"""Benchmark the CSV export: rows per second and peak memory through HTTP, against a baseline.

Run by hand, from the project root, with the project's virtualenv (requests is in the test
extra):

    .venv/bin/python bench/export.py [--responses 1000000]
                                     [--database-url postgresql://postgres@127.0.0.1/test]

1. A fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database next
   to the one --database-url names), migrated, with the demo; --responses responses are
   bulk-inserted over the last 300 days: one in five negative, with a topic, a comment and
   a case, a third naming a staff member.
2. Baseline, in a fresh Python process: a plain `csv.writer` over a raw DB-API cursor
   (sqlite3, or a psycopg server-side cursor) of the same responses joined with their
   location, writing to a null sink. Its rows per second and peak RSS are what reading and
   writing CSV costs at the least.
3. Counterpulse: `gunicorn -w 1 -k gthread` serves the app; the owner signs in and downloads
   /admin/exports/responses.csv for the whole period over HTTP, streamed to a null sink.
   Reported: time to the first byte, rows per second, the bytes, and the worker's peak RSS
   (VmHWM) before and after, read from /proc.

The server, temporary files and databases are removed at the end, even on error; with
--keep URL (a SQLite file URL, or an existing PostgreSQL database) the database is filled
once, kept, and measured again on later runs. --first-byte stops each download at its first
chunk, and downloads three times (the first byte of each), skipping the baseline.
"""

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import submit as harness  # noqa: E402  (bench/submit.py: servers and databases)
from flask_migrate import upgrade  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo.shops import set_up_demo  # noqa: E402
from surveys.models import (  # noqa: E402
    Alert,
    AlertStatus,
    Answer,
    Channel,
    FollowUp,
    Location,
    Outcome,
    QuestionKind,
    Response,
    Survey,
    User,
    utcnow,
)
from surveys.people.accounts import set_password  # noqa: E402
from wsgi import create_app  # noqa: E402

OWNER_EMAIL = "owner@counterpulse.example"
OWNER_PASSWORD = "bench-owner-password"  # noqa: S105  (a throwaway database's account)
BATCH = 10_000
WORDS = [
    "=1+1 the queue was long",
    'too slow, "really"',
    "Լավ սպասարկում չէր",
    "बहुत देर लगी",
    "Çox gözlədim",
    "Prita shumë gjatë",
    "خیلی منتظر ماندم",
]
BASELINE_SQL = (
    "SELECT r.id, r.captured_at, l.name, r.channel, r.language, r.survey_id, r.rating,"
    " r.is_negative, r.staff_id, r.staff_praised FROM response r"
    " JOIN location l ON l.id = r.location_id ORDER BY r.id"
)


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="PostgreSQL server to use instead of SQLite")
    parser.add_argument("--keep", help="database URL to fill once and keep, not drop")
    parser.add_argument("--first-byte", action="store_true", help="only the time to first byte")
    parser.add_argument("--baseline", help=argparse.SUPPRESS)  # the baseline's own process
    return parser.parse_args()


def fill(database_url: str, count: int) -> None:
    """Migrate, set up the demo, then bulk-insert `count` responses with answers and cases."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        set_up_demo(sample_cases=False)
        owner = db.session.scalar(select(User).where(User.email == OWNER_EMAIL))
        set_password(owner, OWNER_PASSWORD)
        owner.must_change_password = False
        location = db.session.scalars(select(Location).order_by(Location.id)).first()
        survey = db.session.scalars(select(Survey).order_by(Survey.id)).first()
        questions = {q.kind: q.id for q in survey.questions}
        staff = [member.id for member in location.staff]
        db.session.commit()
        first_id = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        rng = random.Random(5)
        now = utcnow()
        for start in range(0, count, BATCH):
            ids = range(first_id + start, first_id + min(start + BATCH, count))
            place = (location.id, survey.id, questions, staff)
            _insert_batch(ids, first_id, *place, rng, now, count)
            db.session.commit()
            print(f"\r  inserted {min(start + BATCH, count):,} responses", end="", flush=True)
        print()
        # Planner statistics, as autovacuum (off on the shared test server) would give them:
        # without them PostgreSQL reads the whole answer table for each batch.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()


def _insert_batch(ids, first_id, location_id, survey_id, questions, staff, rng, now, count):
    """One batch of responses, then the answers and cases of its negative ones (Core
    executemany with ids given: no RETURNING, no ORM objects)."""
    span = timedelta(days=300).total_seconds()
    rows = []
    for response_id in ids:
        n = response_id - first_id
        negative = n % 5 == 0
        rows.append(
            {
                "id": response_id,
                "uuid": str(uuid.uuid4()),
                "survey_id": survey_id,
                "location_id": location_id,
                "channel": Channel.KIOSK,
                "language": "en",
                "captured_at": now - timedelta(seconds=span * (count - n) / count),
                "received_at": now,
                "rating": 1 if negative else rng.randint(3, 5),
                "is_negative": negative,
                "follow_up": FollowUp.GIVEN if negative else FollowUp.NONE,
                "staff_id": rng.choice(staff) if n % 3 == 0 else None,
                "staff_praised": n % 7 == 0,
            }
        )
    db.session.execute(insert(Response.__table__), rows)
    negatives = [row["id"] for row in rows if row["is_negative"]]
    topic, comment = questions[QuestionKind.MULTI], questions[QuestionKind.TEXT]
    sad = negatives
    topics = [{"response_id": i, "question_id": topic, "choice": "waiting"} for i in sad]
    words = [{"response_id": i, "question_id": comment, "text": rng.choice(WORDS)} for i in sad]
    db.session.execute(insert(Answer.__table__), topics)
    db.session.execute(insert(Answer.__table__), words)
    alerts = [
        {
            "response_id": i,
            "location_id": location_id,
            "status": AlertStatus.CLOSED,
            "reason": "rating",
            "created_at": now,
            "outcome": Outcome.WON_BACK,
            "version": 1,
        }
        for i in negatives
    ]
    db.session.execute(insert(Alert.__table__), alerts)


def baseline(database_url: str) -> dict:
    """A plain csv.writer over a raw cursor, in this (fresh) process: rows/s and peak RSS."""
    engine = create_engine(harness.driver_url(database_url))
    connection = engine.raw_connection()
    if engine.dialect.name == "postgresql":
        cursor = connection.cursor(name="baseline")  # server-side, as the export reads
        cursor.itersize = 1000
    else:
        cursor = connection.cursor()
    sink = open(os.devnull, "w", encoding="utf-8", newline="")  # noqa: SIM115
    writer = csv.writer(sink)
    started = time.perf_counter()
    cursor.execute(BASELINE_SQL)
    rows = 0
    for row in cursor:
        writer.writerow(row)
        rows += 1
    elapsed = time.perf_counter() - started
    connection.close()
    return {"rows": rows, "seconds": elapsed, "peak_rss_mb": peak_rss_mb(os.getpid())}


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident set size (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def worker_pid(master: int) -> int:
    """The one gunicorn worker of a master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def start_server(database_url: str, port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn with one threaded worker: its heartbeat goes on during a long download."""
    env = harness.side_env("counterpulse", database_url)
    env["COUNTERPULSE_EXPORT_RATE_LIMIT"] = "100 per minute"
    command = [str(harness.VENV_BIN / "gunicorn"), "-w", "1", "-k", "gthread", "--threads", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--no-control-socket", "wsgi:app"]
    with log_path.open("w") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def download(base: str, first_byte_only: bool = False) -> dict:
    """Sign in as the owner and stream the whole export to nowhere."""
    session = requests.Session()
    page = session.get(f"{base}/admin/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": token}
    session.post(f"{base}/admin/login", data=form, timeout=30).raise_for_status()
    url = f"{base}/admin/exports/responses.csv?period=custom"
    today = utcnow().date()
    url += f"&first={today - timedelta(days=400)}&last={today}"
    started = time.perf_counter()
    first_byte = None
    size = 0
    with session.get(url, stream=True, timeout=600) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_content(65536):
            first_byte = first_byte or time.perf_counter() - started
            size += len(chunk)
            if first_byte_only:
                break
    return {"seconds": time.perf_counter() - started, "first_byte": first_byte, "bytes": size}


def run_counterpulse(database_url: str, workdir: Path, first_byte_only: bool = False) -> dict:
    """Serve the app, download the export, read the worker's memory before and after."""
    port = harness.free_port()
    log_path = workdir / "gunicorn.log"
    server = start_server(database_url, port, log_path)
    try:
        harness.wait_until_listening(port, server, log_path, time.monotonic() + 60)
        worker = worker_pid(server.pid)
        result = {"rss_before_mb": peak_rss_mb(worker)}
        if first_byte_only:
            tries = [download(f"http://127.0.0.1:{port}", True)["first_byte"] for _ in range(3)]
            return {"first_bytes": tries}
        result |= download(f"http://127.0.0.1:{port}")
        result["peak_rss_mb"] = peak_rss_mb(worker)
        return result
    finally:
        harness.stop_server(server)


def main() -> int:
    """Fill a database, run the baseline, then the export over HTTP; print the figures."""
    args = parse_args()
    if args.baseline:
        print(json.dumps(baseline(args.baseline)))
        return 0
    if args.keep:
        return kept(args)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database_url = harness.create_database(args.database_url, "export", workdir)
        try:
            print(f"Filling {'PostgreSQL' if args.database_url else 'SQLite'} ...")
            started = time.perf_counter()
            fill(database_url, args.responses)
            print(f"  filled in {time.perf_counter() - started:.0f} s")
            command = [sys.executable, __file__, "--baseline", database_url]
            base = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
            ours = run_counterpulse(database_url, workdir)
        finally:
            harness.drop_database(args.database_url, database_url)
    count = args.responses
    print(f"{'':28}{'rows/s':>10}{'seconds':>9}{'peak RSS MB':>13}")
    print(
        f"{'baseline csv over a cursor':28}{base['rows'] / base['seconds']:>10,.0f}"
        f"{base['seconds']:>9.1f}{base['peak_rss_mb']:>13.0f}"
    )
    print(
        f"{'export over HTTP':28}{count / ours['seconds']:>10,.0f}{ours['seconds']:>9.1f}"
        f"{ours['peak_rss_mb']:>13.0f}"
    )
    print(
        f"worker RSS before the export: {ours['rss_before_mb']:.0f} MB; first byte after "
        f"{ours['first_byte'] * 1000:.0f} ms; {ours['bytes'] / 1e6:.0f} MB of CSV"
    )
    return 0


def kept(args) -> int:
    """Fill the --keep database unless it holds responses, then measure the first byte."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.keep, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        filled = db.session.scalar(select(func.count(Response.id)))
        db.engine.dispose()
    if not filled:
        started = time.perf_counter()
        fill(args.keep, args.responses)
        print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        ours = run_counterpulse(args.keep, Path(folder), first_byte_only=True)
    tries = ", ".join(f"{seconds * 1000:.0f}" for seconds in ours["first_bytes"])
    print(f"first byte, ms, three downloads: {tries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
