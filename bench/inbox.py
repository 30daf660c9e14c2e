"""Benchmark the alert inbox: tap-to-inbox latency, and its queries with 100,000 alerts.

Run by hand, from the project root, with the project's virtualenv (requests is in the test
extra):

    .venv/bin/python bench/inbox.py [--taps 30] [--alerts 100000]
                                    [--database-url postgresql://postgres@127.0.0.1/test]

1. Latency, over HTTP, the way the page gets it: `gunicorn -w 2` on a fresh database with
   the demo; the owner signs in; a poller asks the same feed URL the page polls, at the
   page's own interval (read from its `data-poll-ms`), dropping a poll while one
   is in flight (as `hx-sync="this:drop"`); a tablet taps the saddest face at random
   moments. Tap-to-inbox is from sending the tap to receiving the feed answer that holds its
   alert. Baseline in the same run: the tap's own round trip, and the same taps watched by a
   50 ms poller (what the pipeline costs without the page's poll interval).
2. Queries, in-process: the inbox's list, the per-second feed cursor, the new count and the
   follow-ups due, each timed 30 times (median). The page's own requests (GET /admin/ and a
   204 feed poll) are timed through the Flask test client. Baseline in the same run: the
   same measures with 1,000 alerts (50 a shop, so every list is full); then with --alerts
   alerts bulk-inserted; then the same without the inbox's composite indexes.

Servers, temporary files and databases are removed at the end, even on error.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import submit as harness  # noqa: E402  (bench/submit.py: servers and databases)
from flask_migrate import upgrade  # noqa: E402

from surveys.cases.inbox import (  # noqa: E402
    InboxFilter,
    feed_cursor,
    follow_ups_due,
    inbox_alerts,
    inbox_page,
    new_alert_count,
    parse_filter,
    status_counts,
)
from surveys.db import db  # noqa: E402
from surveys.demo.shops import DEMO_LOCATION, set_up_demo  # noqa: E402
from surveys.models import (  # noqa: E402
    Alert,
    AlertEvent,
    AlertStatus,
    Channel,
    EventKind,
    FollowUp,
    Location,
    Response,
    Role,
    Survey,
    User,
    utcnow,
)
from surveys.people.accounts import set_password  # noqa: E402
from wsgi import create_app  # noqa: E402

PARTIAL = {"HX-Request-Type": "partial"}
OWNER_EMAIL = "owner@counterpulse.example"
OWNER_PASSWORD = "bench-owner-password"
INBOX_INDEXES = [
    "ix_alert_status_follow_up_at",
    "ix_alert_location_id_id",
    "ix_alert_status_id",
    "ix_alert_location_id_status_id",
    "ix_alert_event_location_id_id",
]


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=30, help="sad taps measured (>= 20)")
    parser.add_argument("--alerts", type=int, default=100_000, help="alerts for the query test")
    parser.add_argument("--database-url", help="PostgreSQL server to use instead of SQLite")
    parser.add_argument(
        "--history",
        metavar="DATABASE_URL",
        help="only part 3: the case history on a database bench/inbox_history.py loaded",
    )
    return parser.parse_args()


def percentiles(values: list[float]) -> str:
    """Median and p95 in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:7.1f} {p95 * 1000:7.1f}"


# 1. Tap-to-inbox latency ------------------------------------------------------------------


def sign_in(base: str, email: str, password: str) -> tuple[requests.Session, str, float]:
    """The owner's session, the feed URL its inbox page polls and how often, in seconds."""
    session = requests.Session()
    page = session.get(f"{base}/admin/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"email": email, "password": password, "csrf_token": token}
    session.post(f"{base}/admin/login", data=form, timeout=10).raise_for_status()
    inbox = session.get(f"{base}/admin/", timeout=10).text
    feed = re.search(r'id="inbox-feed" hx-get="([^"]+)"', inbox).group(1).replace("&amp;", "&")
    every_ms = int(re.search(r'data-poll-ms="(\d+)"', inbox).group(1))
    return session, f"{base}{feed}", every_ms / 1000


class Poller(threading.Thread):
    """Polls the feed every interval like the page, noting when each new alert arrived."""

    def __init__(self, session: requests.Session, feed_url: str, interval: float):
        """A poller for one signed-in session's feed URL."""
        super().__init__(daemon=True)
        self.session, self.url, self.interval = session, feed_url, interval
        self.arrivals: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        """Poll until stopped."""
        tick = time.monotonic()
        while not self.stop.is_set():
            answer = self.session.get(self.url, headers=PARTIAL, timeout=10)
            received = time.monotonic()
            if answer.status_code == 200:
                base = self.url.split("/admin/")[0]
                self.url = base + re.search(r'hx-get="([^"]+)"', answer.text).group(1).replace(
                    "&amp;", "&"
                )
                for alert_id in re.findall(r'<li data-alert-id="(\d+)"', answer.text):
                    self.arrivals.setdefault(int(alert_id), received)
            tick += self.interval
            while tick < time.monotonic():  # a poll that overran: the next ones were dropped
                tick += self.interval
            self.stop.wait(tick - time.monotonic())


def pair_tablet(base: str, code: str) -> tuple[requests.Session, str]:
    """The demo tablet's session and its main question's id."""
    tablet = requests.Session()
    tablet.post(f"{base}/kiosk/pair/{code}", timeout=10)
    start = tablet.get(f"{base}/kiosk/", timeout=10).text
    return tablet, re.search(r'name="question" value="(\d+)"', start).group(1)


def measure_taps(base: str, demo: dict, taps: int, interval: float | None, first_id: int):
    """Tap `taps` times at random moments; return the poll interval (None: the page's), the
    tap round trips and the tap-to-inbox times."""
    session, feed_url, page_interval = sign_in(base, demo["email"], demo["password"])
    interval = interval or page_interval
    poller = Poller(session, feed_url, interval)
    poller.start()
    tablet, question = pair_tablet(base, demo["code"])
    sent, round_trips = [], []
    for _ in range(taps):
        time.sleep(random.uniform(0.2, 1.8))  # land anywhere in the poll cycle
        form = {
            "response_id": str(uuid.uuid4()),
            "question": question,
            "rating": "1",
            "language": "en",
            "captured_at": utcnow().isoformat() + "Z",
        }
        started = time.monotonic()
        tablet.post(f"{base}/kiosk/responses", data=form, timeout=10).raise_for_status()
        round_trips.append(time.monotonic() - started)
        sent.append(started)
    deadline = time.monotonic() + 10
    while len(poller.arrivals) < taps and time.monotonic() < deadline:
        time.sleep(0.05)
    poller.stop.set()
    poller.join()
    ids = sorted(i for i in poller.arrivals if i >= first_id)
    assert len(ids) == taps, f"{len(ids)} of {taps} alerts reached the inbox"
    return {
        "interval": interval,
        "round_trips": round_trips,
        "delays": [poller.arrivals[i] - at for i, at in zip(ids, sent, strict=True)],
    }


def fresh_demo(app) -> dict:
    """Set up the demo (or rerun it): a new pairing code and a known owner password."""
    with app.app_context():
        upgrade()
        setup = set_up_demo()
        location = db.session.scalars(select(Location).filter_by(name=DEMO_LOCATION)).one()
        location.response_interval_seconds = 0  # no tap counts as misuse
        # The bench signs in with the printed password, which a person would change first.
        owner = db.session.scalars(select(User).filter_by(email=setup.owner_email)).one()
        owner.must_change_password = False
        next_alert = (db.session.scalar(select(func.max(Alert.id))) or 0) + 1
        db.session.commit()
        db.engine.dispose()
    return {
        "email": setup.owner_email,
        "password": setup.owner_password,
        "code": setup.pairing_code,
        "next_alert": next_alert,
    }


def latency_section(args, workdir: Path) -> None:
    """Print tap-to-inbox latency against a gunicorn server."""
    database = harness.create_database(args.database_url, "inbox_latency", workdir)
    env = harness.side_env("counterpulse", database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench"})
    fresh_demo(app)
    server = None
    try:
        port = harness.free_port()
        log = workdir / "gunicorn.log"
        server = harness.start_server("counterpulse", env, port, log)
        harness.wait_until_listening(port, server, log, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        heading = f"tap-to-inbox over HTTP, {args.taps} sad taps"
        print(f"{heading:52} {'median':>7} {'p95':>7} ms")
        for interval in (None, 0.05):
            demo = fresh_demo(app)
            result = measure_taps(base, demo, args.taps, interval, demo["next_alert"])
            if interval is None:
                print(f"{'  baseline: the tap round trip':52} {percentiles(result['round_trips'])}")
            whose = "the page's poll" if interval is None else "baseline poll"
            label = f"  tap to inbox, {whose}, every {result['interval'] * 1000:.0f} ms"
            print(f"{label:52} {percentiles(result['delays'])}")
    finally:
        if server is not None:
            harness.stop_server(server)
        with app.app_context():
            db.engine.dispose()
        harness.drop_database(args.database_url, database)


# 2. Query times ---------------------------------------------------------------------------


def bulk_insert_alerts(count: int, locations: list[int], survey_id: int) -> None:
    """`count` negative responses with alerts spread over locations and states, and a
    timeline event for every handled one; resolved ones have a follow-up, some due."""
    start = db.session.scalar(select(func.max(Response.id))) or 0
    now = utcnow()
    states = [AlertStatus.CLOSED] * 90 + [AlertStatus.RESOLVED] * 6 + [AlertStatus.NEW] * 4
    chance = random.Random(count)  # the same data on every run, states independent of shops
    for batch in range(0, count, 5000):
        responses, alerts, events = [], [], []
        for n in range(batch, min(batch + 5000, count)):
            row_id, status = start + n + 1, chance.choice(states)
            at = now - timedelta(seconds=(count - n) * 30)
            location_id = locations[n % len(locations)]
            responses.append(
                {
                    "id": row_id,
                    "uuid": str(uuid.uuid4()),
                    "survey_id": survey_id,
                    "location_id": location_id,
                    "channel": Channel.KIOSK,
                    "language": "en",
                    "captured_at": at,
                    "received_at": at,
                    "rating": 1 + n % 2,
                    "is_negative": True,
                    "follow_up": FollowUp.OFFERED,
                }
            )
            alerts.append(
                {
                    "id": row_id,
                    "response_id": row_id,
                    "location_id": location_id,
                    "status": status,
                    "reason": "rating",
                    "created_at": at,
                    "follow_up_at": at + timedelta(days=1)
                    if status == AlertStatus.RESOLVED
                    else None,
                }
            )
            if status != AlertStatus.NEW:
                kind = EventKind.CLOSED if status == AlertStatus.CLOSED else EventKind.RESOLVED
                events.append(
                    {
                        "alert_id": row_id,
                        "location_id": location_id,
                        "at": at,
                        "kind": kind,
                        "data": {},
                    }
                )
        db.session.execute(insert(Response), responses)
        db.session.execute(insert(Alert), alerts)
        db.session.execute(insert(AlertEvent), events)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        for table in ("response", "alert"):
            db.session.execute(
                text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            )
        db.session.commit()


def timed(function, repeat: int = 30, in_session: bool = True) -> float:
    """The median seconds of a call, after one warm-up call; each call in a new transaction."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
        if in_session:
            db.session.rollback()
    return statistics.median(samples)


def query_times(app, owner_id: int, manager_id: int, one_location: int) -> dict[str, float]:
    """The inbox's queries and requests, timed."""
    with app.app_context():
        owner, manager = db.session.get(User, owner_id), db.session.get(User, manager_id)
        every, only_new = InboxFilter(), InboxFilter(status=AlertStatus.NEW)
        here = InboxFilter(location_id=one_location)
        results = {
            "list, owner, all (50 rows)": timed(lambda: inbox_alerts(owner, every)),
            "list, owner, status new": timed(lambda: inbox_alerts(owner, only_new)),
            "list, owner, one location": timed(lambda: inbox_alerts(owner, here)),
            "list, manager of one location": timed(lambda: inbox_alerts(manager, every)),
            "feed cursor, owner (every poll)": timed(lambda: feed_cursor(owner, every)),
            "feed cursor, manager (every poll)": timed(lambda: feed_cursor(manager, every)),
            "new alert count, owner": timed(lambda: new_alert_count(owner, every)),
            "follow-ups due, owner": timed(lambda: follow_ups_due(owner, every)),
        }
        cursor = feed_cursor(owner, every).token()
    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    form = {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": token}
    assert client.post("/admin/login", data=form).status_code == 303
    results["GET /admin/ (whole page), owner"] = timed(
        lambda: client.get("/admin/"), 20, in_session=False
    )
    feed = f"/admin/alerts/feed?cursor={cursor}"
    assert client.get(feed, headers=PARTIAL).status_code == 204
    results["GET feed, nothing new (204), owner"] = timed(
        lambda: client.get(feed, headers=PARTIAL), in_session=False
    )
    return results


def seed_shops(app) -> tuple[tuple[int, int, int], int, list[int]]:
    """The demo, 19 more shops and a manager of the first; returns the (owner, manager,
    first shop) ids, the survey's id and every shop's id."""
    with app.app_context():
        upgrade()
        set_up_demo(sample_cases=False)
        locations = [db.session.scalars(select(Location)).one()]
        locations += [Location(name=f"Shop {n}") for n in range(2, 21)]
        db.session.add_all(locations)
        owner = db.session.scalars(select(User)).one()
        set_password(owner, OWNER_PASSWORD)
        manager = User(email="m@example.com", password_hash="x", role=Role.MANAGER)
        manager.locations = [locations[0]]
        db.session.add(manager)
        db.session.commit()
        ids = (owner.id, manager.id, locations[0].id)
        return ids, db.session.scalars(select(Survey.id)).one(), [loc.id for loc in locations]


def grow_to(app, size: int, location_ids: list[int], survey_id: int) -> None:
    """Bulk-insert alerts until there are `size`; refresh PostgreSQL's statistics."""
    with app.app_context():
        have = db.session.scalar(select(func.count(Alert.id)))
        bulk_insert_alerts(size - have, location_ids, survey_id)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))


def query_section(args, workdir: Path) -> None:
    """Print the inbox's query times at two sizes and without its indexes."""
    database = harness.create_database(args.database_url, "inbox_queries", workdir)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench"})
    try:
        ids, survey_id, location_ids = seed_shops(app)
        columns, results = [], []
        for size in (1_000, args.alerts):
            grow_to(app, size, location_ids, survey_id)
            columns.append(f"{size:,} alerts")
            results.append(query_times(app, *ids))
        with app.app_context():
            for index in INBOX_INDEXES:
                db.session.execute(text(f"DROP INDEX {index}"))
            db.session.commit()
        columns.append(f"{args.alerts:,}, no inbox indexes")
        results.append(query_times(app, *ids))
        print(f"\n{'median ms (in-process)':40}" + "".join(f"{c:>28}" for c in columns))
        for name in results[0]:
            print(f"{name:40}" + "".join(f"{r[name] * 1000:28.2f}" for r in results))
    finally:
        with app.app_context():
            db.engine.dispose()
        harness.drop_database(args.database_url, database)


# 3. Case history at 1,000,000 responses --------------------------------------------------


def history_measures(owner, manager, shop, staff_id: int, now) -> dict:
    """Each measured page: a filter and whose page it is."""
    month = (now - timedelta(days=30)).date(), now.date()
    return {
        "first page, owner, every shop": (owner, {}),
        "first page, manager of one shop": (manager, {}),
        "status closed, owner": (owner, {"status": "closed"}),
        "status acknowledged, one shop": (owner, {"status": "acknowledged", "location": str(shop)}),
        "overdue view, owner": (owner, {"view": "overdue"}),
        "overdue view, manager": (manager, {"view": "overdue"}),
        "topic 'price', owner": (owner, {"topic": "price"}),
        "staff member, owner": (owner, {"staff": str(staff_id)}),
        "last 30 days, owner": (owner, {"from": month[0].isoformat(), "to": month[1].isoformat()}),
        "words 'queue' (common), owner": (owner, {"q": "queue"}),
        "words 'coffee', manager": (manager, {"q": "coffee"}),
        "words 'zebra' (no match), owner": (owner, {"q": "zebra"}),
        "words + topic + 30 days, owner": (
            owner,
            {"q": "dirty", "topic": "cleanliness", "from": month[0].isoformat()},
        ),
    }


def history_page(user, args: dict) -> tuple[int, int | None]:
    """One page as the view reads it: the list, its counts, the title's count and (on the
    first page) the feed cursor; returns the rows and the next page's cursor."""
    searches = {"q": args["q"]} if "q" in args else {}
    inbox = parse_filter(user, {**args, "q": "q" if "q" in args else ""}, searches)
    result = inbox_page(user, inbox)
    status_counts(user, inbox)
    new_alert_count(user, inbox)
    if inbox.before is None:
        feed_cursor(user, inbox)
    return len(result.alerts), result.older


def history_section(url: str, repeat: int = 7) -> None:
    """Print the case history's server time per page on a kept database: wall time, and
    this process's CPU time (on SQLite the whole query work; on PostgreSQL without the
    server's), which a shared machine inflates less than the wall time."""
    import inbox_history  # noqa: PLC0415  (bench/inbox_history.py: the kept database)

    app = inbox_history.app_for(url)
    with app.app_context():
        upgrade()
        responses = db.session.scalar(select(func.count(Response.id)))
        alerts = db.session.scalar(select(func.count(Alert.id)))
        owner = db.session.scalars(select(User).where(User.role == Role.OWNER)).first()
        manager = db.session.scalars(select(User).where(User.role == Role.MANAGER)).first()
        shop = manager.locations[0].id
        staff_id = manager.locations[0].staff[0].id
        owner_id, manager_id = owner.id, manager.id
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        measures = history_measures(owner, manager, shop, staff_id, utcnow())
    print(
        f"\n{db.engine.dialect.name if False else url.split(':')[0]}: {responses:,} responses, "
        f"{alerts:,} cases; median / max ms of {repeat} runs, in-process"
    )
    print(f"{'page (list + counts + title + cursor)':44} {'page 1':>22} {'page 20':>22} rows")
    print(f"{'  wall median / wall max / CPU median, ms':44}")
    for name, (user, args) in measures.items():
        cells, rows = [], 0
        for pages in (1, 20):
            with app.app_context():  # walk to the page once, untimed
                reader = db.session.get(User, owner_id if user is owner else manager_id)
                page_args, cursor = dict(args), None
                for _n in range(pages - 1):
                    _rows, cursor = history_page(reader, page_args)
                    if cursor is None:
                        break
                    page_args["before"] = str(cursor)
            samples, cpu = [], []
            for _ in range(repeat):
                with app.app_context():
                    reader = db.session.get(User, owner_id if user is owner else manager_id)
                    started, cpu_started = time.perf_counter(), time.process_time()
                    rows, _next = history_page(reader, page_args)
                    samples.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
            cells.append(
                f"{statistics.median(samples) * 1000:7.1f} / {max(samples) * 1000:5.0f}"
                f" / {statistics.median(cpu) * 1000:5.0f}"
            )
        print(f"{name:44} {cells[0]:>22} {cells[1]:>22} {rows}", flush=True)
    with app.app_context():  # baseline in the same run: what one pass over the cases costs
        owner = db.session.get(User, owner_id)
        count = timed(lambda: db.session.scalar(select(func.count(Alert.id))), repeat)
        old_list = timed(lambda: inbox_alerts(owner, InboxFilter()), repeat)
    print(f"{'baseline: SELECT count(*) FROM alert':44} {count * 1000:7.1f}")
    print(f"{'baseline: the list alone, first page, owner':44} {old_list * 1000:7.1f}")
    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    form = {"email": inbox_history.OWNER_EMAIL, "password": inbox_history.PASSWORD}
    assert client.post("/admin/login", data=form | {"csrf_token": token}).status_code == 303
    for label, path in (
        ("GET /admin/ (whole page), owner", "/admin/"),
        ("GET /admin/?view=overdue, owner", "/admin/?view=overdue"),
    ):
        ms = timed(lambda p=path: client.get(p), repeat, in_session=False) * 1000
        print(f"{label:44} {ms:7.1f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    """Run both parts in a temporary folder (or only the history part)."""
    args = parse_args()
    if args.history:
        history_section(args.history)
        return
    with tempfile.TemporaryDirectory() as folder:
        latency_section(args, Path(folder))
        query_section(args, Path(folder))


if __name__ == "__main__":
    main()
