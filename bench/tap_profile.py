"""Where a kiosk tap's CPU goes, in process: Python calls per tap, by part, against the baseline.

Run by hand, from the project root, with the project's virtualenv:

    .venv/bin/python bench/tap_profile.py [--ratings 345] [--taps 200] [--profile 40]

It seeds a demo database in a temporary folder (`flask demo`), pairs the demo tablet through
Flask's test client, and posts taps of the given ratings (345: plain taps, 12: negative ones,
which raise a case), then the same number to bench/baseline_app.py. The figure it prints is
the number of Python function calls per tap (cProfile's count), which, unlike CPU seconds,
does not move with what else the machine runs: use it to compare two versions of the code on
a shared machine, and bench/submit.py for the CPU time through gunicorn. Calls in C (the
database's own work) are not counted: see the time in cursor.execute it also prints.
"""

import argparse
import collections
import cProfile
import functools
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PARTIAL = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request-Type": "partial"}
# The parts of a tap counted apart: (module, function) as the view calls them.
PARTS = (
    ("kiosk.device", "device_for_token"),
    ("kiosk.views", "record_tap"),
    ("surveys.capture.responses", "survey_for"),
    ("surveys.capture.responses", "_new_response"),
    ("surveys.capture.responses", "insert_directly"),
    ("surveys.capture.responses", "raise_alert"),
    ("surveys.capture.responses", "count_response"),
    ("kiosk.views", "render_next_screen"),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", default="12345", help="the ratings posted, in turn")
    parser.add_argument("--taps", type=int, default=200, help="taps counted per side")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest calls")
    return parser.parse_args()


def seeded_app(workdir: Path):
    """The Counterpulse app on a fresh demo database, and the pairing code of its tablet."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir}/cp.db")
    env["COUNTERPULSE_SECRET_KEY"] = uuid.uuid4().hex
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "demo", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    os.environ.update(
        DATABASE_URL=env["DATABASE_URL"], COUNTERPULSE_SECRET_KEY=env["COUNTERPULSE_SECRET_KEY"]
    )
    sys.path.insert(0, str(ROOT))
    from wsgi import create_app

    return create_app(), json.loads(done.stdout)["kiosk_url"].rsplit("/", 1)[1]


def paired_client(app, code: str, first_tap: datetime):
    """A test client holding the demo tablet's cookie, and the main question's id."""
    from sqlalchemy import text

    from surveys.db import db

    client = app.test_client()
    assert client.post(f"/kiosk/pair/{code}").status_code == 303
    page = client.get("/kiosk/").get_data(as_text=True)
    question = re.search(r'name="question" value="(\d+)"', page).group(1)
    with app.app_context():  # paired before the back-dated taps, so none is flagged
        paired = first_tap.replace(tzinfo=None) - timedelta(days=1)
        db.session.execute(text("UPDATE device SET paired_at = :at"), {"at": paired})
        db.session.commit()
    return client, question


def poster(client, question: str, ratings: str, first_tap: datetime):
    """A function posting the next tap, 6 s after the last (the misuse interval is 5 s)."""
    count = iter(range(10**9))

    def post() -> None:
        index = next(count)
        body = {
            "response_id": str(uuid.uuid4()),
            "question": question,
            "rating": ratings[index % len(ratings)],
            "language": "en",
            "captured_at": (first_tap + index * timedelta(seconds=6)).isoformat(),
        }
        reply = client.post("/kiosk/responses", data=urlencode(body), headers=PARTIAL)
        assert reply.status_code == 200, reply.status_code

    return post


def calls_per_tap(post, taps: int, top: int = 0) -> float:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(taps):
        post()
    profile.disable()
    stats = pstats.Stats(profile)
    if top:
        stats.sort_stats("cumulative").print_stats(top)
    return stats.total_calls / taps


def calls_by_part(post, taps: int) -> collections.Counter:
    """Calls made inside each of PARTS (nested parts count in both), per tap."""
    import importlib

    calls, spent = [0], collections.Counter()

    def count(frame, event, arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    for module_name, name in PARTS:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        @functools.wraps(original)
        def counted(*args, __original=original, __name=name, **kwargs):
            before = calls[0]
            try:
                return __original(*args, **kwargs)
            finally:
                spent[__name] += calls[0] - before

        setattr(module, name, counted)
    sys.setprofile(count)
    for _ in range(taps):
        post()
    sys.setprofile(None)
    spent["whole tap (test client included)"] = calls[0]
    return collections.Counter({part: total / taps for part, total in spent.items()})


def seconds_in_database(app, post, taps: int) -> tuple[float, float]:
    """CPU per tap, and the share of it spent inside cursor.execute, in ms."""
    from sqlalchemy import event

    from surveys.db import db

    with app.app_context():
        engine = db.engine
    inside = [0.0]

    def started(conn, *_args):
        conn.info["started"] = time.perf_counter()

    def ended(conn, *_args):
        inside[0] += time.perf_counter() - conn.info.pop("started")

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", ended)
    cpu = time.process_time()
    for _ in range(taps):
        post()
    cpu = time.process_time() - cpu
    return cpu / taps * 1000, inside[0] / taps * 1000


def baseline_poster(workdir: Path, question: str, ratings: str, first_tap: datetime):
    os.environ["BASELINE_DATABASE_URL"] = f"sqlite:///{workdir}/baseline.db"
    sys.path.insert(0, str(ROOT / "bench"))
    import baseline_app

    baseline_app.Base.metadata.create_all(baseline_app.engine)
    return poster(baseline_app.app.test_client(), question, ratings, first_tap)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tap-profile-"))
    first_tap = datetime.now(UTC) - timedelta(days=30)
    app, code = seeded_app(workdir)
    client, question = paired_client(app, code, first_tap)
    post = poster(client, question, args.ratings, first_tap)
    baseline = baseline_poster(workdir, question, args.ratings, first_tap + timedelta(days=1))
    for _ in range(50):  # warm: statement caches, templates, connections
        post()
        baseline()
    counterpulse_calls = calls_per_tap(post, args.taps, args.profile)
    baseline_calls = calls_per_tap(baseline, args.taps)
    cpu_ms, database_ms = seconds_in_database(app, post, args.taps)
    print(f"ratings {args.ratings}, {args.taps} taps per side")
    print(f"Python calls per tap: counterpulse {counterpulse_calls:,.0f}", end=", ")
    print(f"baseline {baseline_calls:,.0f}")
    print(f"counterpulse CPU per tap {cpu_ms:.2f} ms, of it in cursor.execute {database_ms:.2f} ms")
    for part, calls in calls_by_part(post, args.taps).most_common():
        print(f"  {part:34s} {calls:8,.0f} calls")


if __name__ == "__main__":
    main()
