"""A kept history for bench/inbox.py's case-history part: ten shops, N responses in all
(bench/dashboard_data.py's generator: topics, words, staff and cases in every state), an
owner and a manager of the first shop. Loading 1,000,000 takes minutes, so the database is
kept between runs (a SQLite file or a PostgreSQL database named here) and reused.

    .venv/bin/python bench/inbox_history.py --responses 1000000 \
        --database-url sqlite:////tmp/bench-inbox/inbox.db
    .venv/bin/python bench/inbox_history.py --responses 1000000 \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_inbox

The database must exist (PostgreSQL) or its folder (SQLite). Rerunning grows it to N; the
dashboard's rollups are not rebuilt (the inbox never reads them).
"""

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import dashboard_data  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from submit import driver_url  # noqa: E402

from surveys.authoring.templates import create_quick_faces_survey  # noqa: E402
from surveys.db import db  # noqa: E402
from surveys.models import Location, Response, Role, Survey, User  # noqa: E402
from surveys.people.accounts import set_password  # noqa: E402
from wsgi import create_app  # noqa: E402

OWNER_EMAIL = "owner@bench.example"
MANAGER_EMAIL = "manager@bench.example"
PASSWORD = "bench-inbox-password"
SHOPS = 10


def app_for(url: str):
    """The application on the kept database."""
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": driver_url(url), "SECRET_KEY": "bench", "TESTING": True}
    )


def set_up(app) -> None:
    """Survey, shops and the two accounts, once."""
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count(Location.id))):
            return
        survey = create_quick_faces_survey()
        db.session.commit()
        big, small = dashboard_data.make_shops(survey.id)
        owner = User(email=OWNER_EMAIL, password_hash="x", role=Role.OWNER)
        manager = User(email=MANAGER_EMAIL, password_hash="x", role=Role.MANAGER)
        set_password(owner, PASSWORD)
        set_password(manager, PASSWORD)
        owner.must_change_password = manager.must_change_password = False
        manager.locations = [small[0]]
        db.session.add_all([owner, manager])
        db.session.commit()


def load(app, responses: int) -> None:
    """Grow the ten small shops to `responses` in all (dashboard_data's rows, no rollups)."""
    with app.app_context():
        survey = db.session.scalars(select(Survey)).first()
        shops = db.session.scalars(select(Location).where(Location.name.like("Shop %"))).all()
        next_id = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        per_shop = responses // len(shops)
        for shop in shops:
            have = db.session.scalar(
                select(func.count()).select_from(Response).where(Response.location_id == shop.id)
            )
            history = dashboard_data.History(shop, survey, seed=shop.id * 1000 + have)
            for start in range(have, per_shop, dashboard_data.BATCH):
                count = min(dashboard_data.BATCH, per_shop - start)
                rows = [history.rows(next_id + n) for n in range(count)]
                next_id += len(rows)
                dashboard_data._insert(rows)
                db.session.commit()
            print(f"{shop.name}: {per_shop:,}", flush=True)
        dashboard_data._fix_sequences()


def main() -> None:
    """Set up and load."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    app = app_for(args.database_url)
    started = time.monotonic()
    set_up(app)
    load(app, args.responses)
    print(f"loaded in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
