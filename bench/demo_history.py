"""Benchmark the demo history generator: responses and rows written per second.

Run by hand, from the project root, with the project's virtualenv:

    .venv/bin/python bench/demo_history.py [--sizes 100000,1000000] [--baseline 20000]
                                           [--database-url postgresql://postgres@127.0.0.1/test]

For each size, a fresh database (a SQLite file, or a new PostgreSQL database next to
--database-url) gets the demo, then `generate_history` writes that many answers over 90
days into the two demo shops, commits, and rebuilds the metrics' rollups. Baseline in the
same run: --baseline answers written by the same generator one row per INSERT instead of
executemany batches. The CPU time of the Python process is printed too: on a shared machine
it says what the generator costs when the wall clock mostly says how busy the others were.
Temporary files and databases are removed at the end, even on error.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import submit as harness  # noqa: E402  (bench/submit.py: databases)
from flask_migrate import upgrade  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo import history as demo_history  # noqa: E402
from surveys.demo.shops import demo_locations, set_up_demo  # noqa: E402
from wsgi import create_app  # noqa: E402


def row_by_row(writer, progress) -> None:
    """The baseline: the same rows, one INSERT each."""
    done = writer.pending
    connection = writer.session.connection()
    for model, rows in writer.take().items():
        for row in rows:
            connection.execute(model.__table__.insert(), row)
    if progress is not None and done:
        progress(done)


def measure(server_url: str | None, size: int, workdir: Path, one_by_one: bool) -> dict:
    """Write `size` answers into a fresh database; the time and what was written."""
    database_url = harness.create_database(server_url, f"history_{size}", workdir)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            set_up_demo(sample_cases=False)
            db.session.commit()
            flush = demo_history._flush
            demo_history._flush = row_by_row if one_by_one else flush
            try:
                started, cpu = time.perf_counter(), time.process_time()
                made = demo_history.generate_history(db.session, demo_locations(), size, seed=1)
                db.session.commit()
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
            finally:
                demo_history._flush = flush
            db.engine.dispose()
    finally:
        harness.drop_database(server_url, database_url)
    return {"size": size, "seconds": seconds, "cpu": cpu, "rows": made.rows}


def line(label: str, result: dict) -> str:
    """One report line."""
    seconds = result["seconds"]
    return (
        f"{label:<28} {result['size']:>9,} answers {result['rows']:>10,} rows "
        f"{seconds:8.1f} s {result['size'] / seconds:>8,.0f} answers/s "
        f"{result['rows'] / seconds:>9,.0f} rows/s  (this process's CPU: {result['cpu']:.1f} s)"
    )


def main() -> int:
    """Measure the baseline, then every size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--baseline", type=int, default=20000)
    parser.add_argument("--database-url", help="a postgresql:// URL; default: SQLite")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        baseline = measure(args.database_url, args.baseline, workdir, one_by_one=True)
        print(line(f"{engine} one row per INSERT", baseline), flush=True)
        for size in (int(part) for part in args.sizes.split(",")):
            result = measure(args.database_url, size, workdir, one_by_one=False)
            print(line(f"{engine} executemany", result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
