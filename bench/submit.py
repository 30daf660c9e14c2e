"""Benchmark kiosk taps: Counterpulse against a bare Flask + SQLAlchemy baseline.

Run by hand, from the project root, with the project's virtualenv:

    .venv/bin/python bench/submit.py [--requests 2000] [--concurrency 8]
                                     [--database-url postgresql://postgres@127.0.0.1/test]

For each side it makes a fresh database (a SQLite file in a temporary folder, or a new
PostgreSQL database next to the one --database-url names), starts `gunicorn -w 2` on a free
loopback port, posts taps from concurrent threads that each keep one http.client connection
(gunicorn's sync workers close it after every response, so http.client reconnects), then
checks that every answer was 200 and that the database holds one response row and one answer
row per tap sent, warm-up included. The sides run one after the other. Servers, temporary
files and databases are removed at the end, even on error. Exits 1 when a check fails.

Besides throughput it reports what a shared machine does not blur as much: the CPU time the
server's processes (gunicorn's master and workers, from /proc/<pid>/stat) spent on the
measured taps, divided by the taps, and its ratio to the baseline's in the same run; the
largest worker's resident memory after the load; and the latency of a second, paced phase
that offers taps at half the rate the side reached (open loop: each tap is sent at its
scheduled moment, and its latency counts from that moment, so a queue shows).
"""

import argparse
import http.client
import http.cookies
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
SIDES = ("baseline", "counterpulse")
# Taps are dated this far apart so the location's misuse filter (5 s) never flags them.
TAP_SPACING = timedelta(seconds=6)


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="taps measured per side")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--warmup", type=int, default=50, help="taps sent first, not measured")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="for the whole run")
    parser.add_argument("--database-url", help="PostgreSQL server to use instead of SQLite")
    parser.add_argument(
        "--paced", type=int, default=1000, help="taps sent at half of saturation (0: none)"
    )
    return parser.parse_args()


def driver_url(url: str) -> str:
    """A URL SQLAlchemy opens with psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_database(server_url: str | None, side: str, workdir: Path) -> str:
    """A fresh, empty database for one side: a SQLite file, or a new PostgreSQL database."""
    if server_url is None:
        return f"sqlite:///{workdir / side}.db"
    url = make_url(driver_url(server_url))
    name = f"{url.database}_bench_{side}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str | None, database_url: str) -> None:
    """Drop a PostgreSQL database made by create_database; SQLite files go with workdir."""
    if server_url is None:
        return
    name = make_url(database_url).database
    admin = create_engine(driver_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def side_env(side: str, database_url: str) -> dict[str, str]:
    """The environment a side's commands and server run with."""
    env = dict(os.environ)
    if side == "counterpulse":
        env["DATABASE_URL"] = database_url  # wins over COUNTERPULSE_SQLALCHEMY_DATABASE_URI
        env["COUNTERPULSE_SQLALCHEMY_DATABASE_URI"] = database_url
        env["COUNTERPULSE_SECRET_KEY"] = uuid.uuid4().hex
    else:
        env["BASELINE_DATABASE_URL"] = database_url
    return env


def prepare_database(side: str, env: dict[str, str], deadline: float) -> str | None:
    """Migrate and seed (Counterpulse, returning the pairing code) or create the tables."""
    if side == "counterpulse":
        command = [str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "--json"]
        cwd = ROOT
    else:
        command = [sys.executable, "baseline_app.py"]
        cwd = BENCH
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=remaining(deadline),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    if side == "counterpulse":
        return json.loads(done.stdout)["kiosk_url"].rsplit("/", 1)[1]
    return None


def remaining(deadline: float) -> float:
    """Seconds left before the deadline; raises once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("--max-seconds reached")
    return left


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(side: str, env: dict[str, str], port: int, log_path: Path):
    """Start gunicorn with two sync workers in its own process group."""
    module = "wsgi:app" if side == "counterpulse" else "baseline_app:app"
    command = [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", module]
    command.append("--no-control-socket")  # else gunicorn 27 makes ~/.gunicorn/gunicorn.ctl
    with log_path.open("w") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT if side == "counterpulse" else BENCH,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn gracefully; kill its process group if it has not exited in 15 s."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def wait_until_listening(port: int, server: subprocess.Popen, log_path: Path, deadline: float):
    """Wait until the server answers HTTP, or fail if it exits or takes over 30 s."""
    give_up = min(deadline, time.monotonic() + 30)
    while time.monotonic() < give_up:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def pair_device(port: int, code: str, timeout: float) -> tuple[str, str]:
    """Pair as the demo tablet; return the Cookie header and the main question's id."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("POST", f"/kiosk/pair/{code}", headers={"Content-Length": "0"})
    reply = conn.getresponse()
    reply.read()
    if reply.status != 303:
        raise RuntimeError(f"pairing answered {reply.status}")
    cookies = http.cookies.SimpleCookie(reply.getheader("Set-Cookie"))
    cookie = f"counterpulse_device={cookies['counterpulse_device'].value}"
    conn.request("GET", "/kiosk/", headers={"Cookie": cookie})
    reply = conn.getresponse()
    page = reply.read().decode()
    conn.close()
    if reply.status != 200:
        raise RuntimeError(f"start screen answered {reply.status}")
    question = re.search(r'name="question" value="(\d+)"', page).group(1)
    return cookie, question


def date_pairing_back(database_url: str, paired_at: datetime) -> None:
    """Make the demo tablet paired before the first tap's time, so the server believes the
    taps' back-dated capture times (it takes its own clock for a time before the pairing,
    which would put every tap within the misuse interval of the last one)."""
    engine = create_engine(driver_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE device SET paired_at = :at"), {"at": paired_at})
    engine.dispose()


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's master and workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree, reaped children included."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / tick


def largest_worker_rss(pid: int) -> int:
    """The largest resident set (bytes) among gunicorn's workers."""
    largest = 0
    for member in process_tree(pid)[1:]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        largest = max(largest, int(rss.group(1)) * 1024 if rss else 0)
    return largest


def tap_body(index: int, question: str, first_tap: datetime) -> str:
    """The form a kiosk posts for tap number `index`: ratings 1-5 in turn, 6 s apart."""
    captured_at = first_tap + index * TAP_SPACING
    return urlencode(
        {
            "response_id": str(uuid.uuid4()),
            "question": question,
            "rating": str(index % 5 + 1),
            "language": "en",
            "captured_at": captured_at.isoformat().replace("+00:00", "Z"),
        }
    )


def send_taps(port, headers, bodies, timeout, deadline, latencies, failures, at=None) -> None:
    """One client thread: post each body over one connection, recording what happened.
    With `at` (perf_counter moments, one per body) each body waits for its moment and its
    latency counts from that moment."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    for index, body in enumerate(bodies):
        if time.monotonic() > deadline:
            failures.append("not sent: --max-seconds reached")
            continue
        started = time.perf_counter()
        if at is not None:
            time.sleep(max(0.0, at[index] - started))
            started = at[index]
        try:
            conn.request("POST", "/kiosk/responses", body=body, headers=headers)
            reply = conn.getresponse()
            content = reply.read()
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            failures.append(f"{type(error).__name__}: {error}")
            continue
        latencies.append(time.perf_counter() - started)
        if reply.status != 200:
            failures.append(f"HTTP {reply.status}: {content[:200]!r}")
    conn.close()


def run_load(port, cookie, bodies, concurrency, timeout, deadline, rate=None) -> dict:
    """Post all bodies from `concurrency` threads; return timings and failures.
    With a rate (taps per second), taps are offered at that steady rate instead of as fast
    as the server answers."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request-Type": "partial"}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    failures: list[str] = []
    started = time.perf_counter()
    moments = None
    if rate:
        moments = [started + 0.2 + index / rate for index in range(len(bodies))]
    threads = [
        threading.Thread(
            target=send_taps,
            args=(port, headers, bodies[k::concurrency], timeout, deadline, latencies, failures),
            kwargs={"at": moments[k::concurrency] if moments else None},
            daemon=True,
        )
        for k in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": sorted(latencies), "failures": failures}


def percentile(sorted_values: list[float], percent: float) -> float:
    """The nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def count_rows(database_url: str) -> tuple[int, int]:
    """How many response and answer rows the database holds."""
    engine = create_engine(driver_url(database_url))
    with engine.connect() as conn:
        responses = conn.execute(text("SELECT count(*) FROM response")).scalar_one()
        answers = conn.execute(text("SELECT count(*) FROM answer")).scalar_one()
    engine.dispose()
    return responses, answers


def count_flagged(database_url: str) -> int:
    """How many stored taps the misuse filter flagged (the bench spaces them so none is)."""
    engine = create_engine(driver_url(database_url))
    with engine.connect() as conn:
        flagged = conn.execute(
            text("SELECT count(*) FROM response WHERE suspected_misuse AND channel = 'kiosk'")
        ).scalar_one()
    engine.dispose()
    return flagged


def run_side(side: str, args: argparse.Namespace, workdir: Path, deadline: float) -> dict:
    """Set up one side, load it, stop it and check its database."""
    database_url = create_database(args.database_url, side, workdir)
    server = None
    try:
        env = side_env(side, database_url)
        code = prepare_database(side, env, deadline)
        port = free_port()
        log_path = workdir / f"{side}-gunicorn.log"
        server = start_server(side, env, port, log_path)
        wait_until_listening(port, server, log_path, deadline)
        cookie, question = "", "1"
        total = args.warmup + args.requests + args.paced
        first_tap = datetime.now(UTC) - (total + 1) * TAP_SPACING
        if side == "counterpulse":
            cookie, question = pair_device(port, code, args.timeout)
            date_pairing_back(database_url, first_tap.replace(tzinfo=None) - TAP_SPACING)
        before = count_rows(database_url)  # the demo's sample cases are there already
        flagged_before = count_flagged(database_url) if side == "counterpulse" else 0
        bodies = [tap_body(i, question, first_tap) for i in range(total)]
        measured = bodies[args.warmup : args.warmup + args.requests]
        warmup = run_load(
            port, cookie, bodies[: args.warmup], args.concurrency, args.timeout, deadline
        )
        cpu_before = cpu_seconds(server.pid)
        result = run_load(port, cookie, measured, args.concurrency, args.timeout, deadline)
        result["cpu"] = cpu_seconds(server.pid) - cpu_before
        result["rss"] = largest_worker_rss(server.pid)
        result["failures"] += warmup["failures"]
        result["paced"] = None
        if args.paced:
            rate = len(result["latencies"]) / result["elapsed"] / 2
            paced = run_load(
                port,
                cookie,
                bodies[args.warmup + args.requests :],
                args.concurrency,
                args.timeout,
                deadline,
                rate=rate,
            )
            result["failures"] += paced["failures"]
            result["paced"] = {"rate": rate, "latencies": paced["latencies"]}
        stop_server(server)
        server = None
        after = count_rows(database_url)
        result["rows"] = (after[0] - before[0], after[1] - before[1])
        result["expected_rows"] = total
        if side == "counterpulse":
            result["flagged"] = count_flagged(database_url) - flagged_before
        return result
    finally:
        if server is not None:
            stop_server(server)
        drop_database(args.database_url, database_url)


def summarize(side: str, result: dict) -> dict:
    """The figures reported for one side."""
    latencies = result["latencies"]
    paced = result["paced"]
    return {
        "side": side,
        "cpu_ms": result["cpu"] / max(1, len(latencies)) * 1000,
        "rss_mb": result["rss"] / 2**20,
        "paced_rate": paced["rate"] if paced else math.nan,
        "paced_p50": percentile(paced["latencies"], 50) * 1000 if paced else math.nan,
        "paced_p99": percentile(paced["latencies"], 99) * 1000 if paced else math.nan,
        "flagged": result.get("flagged", 0),
        "sent": len(latencies),
        "failures": len(result["failures"]),
        "rps": len(latencies) / result["elapsed"],
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "rows": result["rows"],
        "expected_rows": result["expected_rows"],
    }


def report(summaries: dict, args: argparse.Namespace) -> bool:
    """Print a Markdown table and the ratios; return whether every check passed."""
    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(f"{args.requests} taps per side, {args.concurrency} client threads, {database}")
    print()
    print("| Side | Taps | Non-200 | req/s | p50 ms | p95 ms | p99 ms | Rows (response, answer) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    ok = True
    for summary in summaries.values():
        rows = summary["rows"]
        expected = summary["expected_rows"]
        ok = ok and summary["failures"] == 0 and rows == (expected, expected)
        ok = ok and summary["flagged"] <= expected // 100  # a demo answer may sit 5 s away
        print(
            f"| {summary['side']} | {summary['sent']} | {summary['failures']} "
            f"| {summary['rps']:.0f} | {summary['p50']:.1f} | {summary['p95']:.1f} "
            f"| {summary['p99']:.1f} | {rows[0]}, {rows[1]} (expected {expected}) |"
        )
    print()
    print(
        "| Side | CPU ms per tap | Largest worker RSS MB "
        "| Paced req/s | Paced p50 ms | Paced p99 ms | Flagged as misuse |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for summary in summaries.values():
        print(
            f"| {summary['side']} | {summary['cpu_ms']:.2f} | {summary['rss_mb']:.1f} "
            f"| {summary['paced_rate']:.0f} | {summary['paced_p50']:.1f} "
            f"| {summary['paced_p99']:.1f} | {summary['flagged']} |"
        )
    counterpulse, baseline = summaries["counterpulse"], summaries["baseline"]
    print()
    print(
        f"CPU per tap ratio (counterpulse / baseline): "
        f"{counterpulse['cpu_ms'] / baseline['cpu_ms']:.2f}"
    )
    print(
        f"Throughput ratio (counterpulse / baseline): {counterpulse['rps'] / baseline['rps']:.2f}"
    )
    print(
        f"p95 latency ratio (counterpulse / baseline): {counterpulse['p95'] / baseline['p95']:.2f}"
    )
    print("All checks passed." if ok else "CHECKS FAILED.")
    return ok


def main() -> int:
    """Run both sides one after the other and report them side by side."""
    args = parse_args()
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        sys.exit("--database-url must be a postgresql:// URL")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so `finally` still cleans up
    deadline = time.monotonic() + args.max_seconds
    workdir = Path(tempfile.mkdtemp(prefix="counterpulse-bench-"))
    try:
        results = {side: run_side(side, args, workdir, deadline) for side in SIDES}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    summaries = {side: summarize(side, result) for side, result in results.items()}
    for side, result in results.items():
        for failure in sorted(set(result["failures"]))[:5]:
            print(f"{side}: {failure}", file=sys.stderr)
    return 0 if report(summaries, args) else 1


if __name__ == "__main__":
    sys.exit(main())
