"""Benchmark the dashboard (issue 5): dashboard() + latest_comments() server time as the
history grows to 10,000, 100,000 and 1,000,000 responses.

Run by hand, from the project root, with the project's virtualenv:

    .venv/bin/python bench/dashboard.py [--sizes 10000,100000,1000000] [--repeat 7]
                                        [--database-url postgresql://postgres@127.0.0.1/test]
                                        [--scenarios one,ten]

Two scenarios at each size: one shop (Asia/Yerevan) holding all N responses, and ten shops
in four time zones holding N/10 each (at 1,000,000: ten shops of 100,000). The history
spans two years with a daily and hourly rhythm; about 18% of answers are negative, with
topics, words, staff and cases in every state (bench/dashboard_data.py, Core executemany,
then rebuild_rollups() as every bulk loader must). For today, 7 days, 30 days and a
365-day custom period, each measure is the median (and max) of --repeat runs, each in a
fresh application context as a request would be:

- dashboard(): every number of the page, compared with the previous period;
- + latest_comments(): the page's 20 newest comments (what the page needs in total);
- comments filtered by topic and rating;
- baseline, in the same run: a plain SELECT count(*) of the same shops' responses in the
  same local days (per-location UTC bounds), the least any reading of raw rows must do;
- and, at 10,000 responses, the naive dashboard recomputed from the raw rows, once.

The database is created for the run and dropped (PostgreSQL) or deleted (SQLite) at the end,
unless --keep names one (a SQLite file URL, or an existing PostgreSQL database): then it is
migrated, filled up to the sizes asked for (nothing is added to a shop that has them, and
the rollups are then not rebuilt) and kept, so big histories load once and are measured
again after a change (`--load-only` fills it without measuring).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import dashboard_data  # noqa: E402
import submit as harness  # noqa: E402  (bench/submit.py: databases)
from flask_migrate import upgrade  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.models import Location, Response, utcnow  # noqa: E402
from surveys.reporting.metrics import Period, dashboard, latest_comments, naive_dashboard  # noqa: E402
from surveys.reporting.metrics.naive import in_period  # noqa: E402
from wsgi import create_app  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--keep", help="database URL to fill (if short) and keep, not drop")
    parser.add_argument("--load-only", action="store_true", help="fill --keep, measure nothing")
    parser.add_argument(
        "--scenarios",
        default="one,ten",
        help="which scenarios: one (one shop), ten (ten shops), or both (default one,ten)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip SELECT count(*) (minutes at 1,000,000)"
    )
    return parser.parse_args()


def periods() -> dict[str, Period]:
    today = utcnow().date()
    return {
        "today": Period.parse("today", None, None, today),
        "7d": Period.parse("7d", None, None, today),
        "30d": Period.parse("30d", None, None, today),
        "365d custom": Period(today - timedelta(days=364), today),
    }


def timed(app, function, repeat: int) -> tuple[float, float, float]:
    """Median and max wall milliseconds of `function`, each run in a fresh app context, and
    the median CPU milliseconds of this process (all of SQLite's work; not PostgreSQL's)."""
    times, cpu = [], []
    for _ in range(repeat):
        with app.app_context():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), max(times), statistics.median(cpu)


def count_rows(ids: list[int], period: Period) -> int:
    locations = db.session.scalars(select(Location).where(Location.id.in_(ids))).all()
    return db.session.scalar(select(func.count()).where(in_period(locations, period)))


def measure(app, ids: list[int], size: int, repeat: int, baseline: bool = True) -> list[dict]:
    """Every measure for one scenario at one size."""
    rows = []
    for name, period in periods().items():

        def page(period=period):
            dashboard(ids, period, "en")
            latest_comments(ids, period, "en")

        row = {
            "period": name,
            "dashboard": timed(app, lambda period=period: dashboard(ids, period, "en"), repeat),
            "page": timed(app, page, repeat),
            "filtered": timed(
                app,
                lambda period=period: latest_comments(ids, period, "en", topic="price", rating=1),
                repeat,
            ),
            "baseline": (
                timed(app, lambda period=period: count_rows(ids, period), repeat)
                if baseline
                else None
            ),
            "naive": None,
        }
        if size <= 10_000:
            row["naive"] = timed(app, lambda p=period: naive_dashboard(ids, p, "en"), 1)
        with app.app_context():
            row["responses"] = count_rows(ids, period) if baseline else None
        rows.append(row)
    return rows


def vacuum(app) -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would give them."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))


def cell(value) -> str:
    return "–" if value is None else f"{value[0]:.0f} / {value[1]:.0f} ({value[2]:.0f})"


def report(scenario: str, size: int, rows: list[dict], seconds: float) -> None:
    print(f"\n### {scenario}, {size:,} responses (loaded and rolled up in {seconds:.0f} s)")
    print("median / max wall ms (median CPU ms of the Python process)")
    print(
        "| period | responses in period | dashboard() | dashboard() + latest_comments() "
        "| comments by topic and rating | baseline: SELECT count(*) | naive, from raw rows |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['period']} | {row['responses'] or 0:,} | {cell(row['dashboard'])} "
            f"| **{cell(row['page'])}** | {cell(row['filtered'])} | {cell(row['baseline'])} "
            f"| {cell(row['naive'])} |",
            flush=True,
        )


def run(args, uri: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        survey, big, small = dashboard_data.shops()
        big_id, small_ids = big.id, [location.id for location in small]
    for size in [int(s) for s in args.sizes.split(",")]:
        scenarios = {
            "one": ("one shop", [big_id], size),
            "ten": ("ten shops", small_ids, size // 10),
        }
        for scenario, ids, per_location in (scenarios[key] for key in args.scenarios.split(",")):
            start = time.perf_counter()
            with app.app_context():
                locations = db.session.scalars(select(Location).where(Location.id.in_(ids))).all()
                dashboard_data.grow(
                    locations, db.session.get(type(survey), survey.id), per_location
                )
            vacuum(app)
            if args.load_only:
                print(f"{scenario}, {size:,}: {time.perf_counter() - start:.0f} s", flush=True)
                continue
            report(
                scenario,
                size,
                measure(app, ids, size, args.repeat, not args.no_baseline),
                time.perf_counter() - start,
            )
    with app.app_context():
        print(f"\nTotal responses: {db.session.scalar(select(func.count(Response.id))):,}")
        db.engine.dispose()


def main() -> None:
    args = parse_args()
    if args.keep:
        print(f"Database: {make_url(args.keep).render_as_string()}; sizes {args.sizes}")
        run(args, args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as workdir:
        uri = harness.create_database(args.database_url, "dashboard", Path(workdir))
        try:
            print(
                f"Database: {create_engine(uri).dialect.name}; sizes {args.sizes}; "
                f"median / max ms of {args.repeat} runs"
            )
            run(args, uri)
        finally:
            harness.drop_database(args.database_url, uri)


if __name__ == "__main__":
    main()
