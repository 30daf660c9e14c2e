"""Benchmark the inbox's event stream: tap-to-card in a real browser, and what open inboxes
cost the database, streaming (Redis) against polling.

Run by hand, from the project root, with Redis running (and Chromium for part 1):

    .venv/bin/python bench/inbox_stream.py --redis-url redis://127.0.0.1:6379/1
                                           [--taps 30] [--streams 300] [--pollers 30]

The app is served in this process over real HTTP (werkzeug, a thread per connection) on a
fresh SQLite file with the demo, so every query the app sends is counted on its engine.

1. Tap to card: Chromium opens the demo owner's inbox; a tablet (HTTP) taps the saddest face
   at random moments; the time is from sending the tap to the card appearing in the page's
   list (a MutationObserver, by the same machine's clock). Run with the stream (Redis), then,
   as the baseline in the same run, without Redis (the page's 750 ms poll).
2. Database cost: N Python clients hold the owner's event stream open (each its own
   connection) for a window of idle time, counting the app's queries; baseline in the same
   run: M clients polling the feed like the page (every 750 ms, one at a time each). Also
   the queries one stream costs to open, plus the catch-up feed request the page makes on
   each (re)connect: the cost of a reconnect every INBOX_STREAM_SECONDS.
"""

import argparse
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
from sqlalchemy import event, select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from flask_migrate import upgrade  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo.shops import DEMO_LOCATION, set_up_demo  # noqa: E402
from surveys.models import Location, Survey, User, utcnow  # noqa: E402
from wsgi import create_app  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--taps", type=int, default=30)
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--pollers", type=int, default=30)
    parser.add_argument("--window", type=float, default=30.0, help="idle seconds counted")
    parser.add_argument("--skip-browser", action="store_true")
    return parser.parse_args()


class Served:
    """The app on a fresh SQLite file, over HTTP in this process, its queries counted."""

    def __init__(self, workdir: Path, redis_url: str | None):
        settings = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "INBOX_CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:",
        }
        if redis_url:
            settings["REDIS_URL"] = redis_url
        self.app = create_app(settings)
        self.queries = 0
        with self.app.app_context():
            upgrade()
            setup = set_up_demo(sample_cases=False)
            owner = db.session.scalars(select(User).filter_by(email=setup.owner_email)).one()
            owner.must_change_password = False
            shop = db.session.scalars(select(Location).filter_by(name=DEMO_LOCATION)).one()
            shop.manager_on_duty, shop.response_interval_seconds = False, 0
            db.session.commit()
            survey = db.session.scalars(select(Survey)).first()
            self.rating_question = survey.questions[0].id
            self.owner = (setup.owner_email, setup.owner_password)
            self.pairing_code = setup.pairing_code
            event.listen(db.engine, "before_cursor_execute", self._count)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def _count(self, *_args) -> None:
        self.queries += 1  # under the GIL; a lost increment now and then does not matter

    def sign_in(self) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.base}/admin/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"email": self.owner[0], "password": self.owner[1], "csrf_token": token}
        session.post(f"{self.base}/admin/login", data=form, timeout=30).raise_for_status()
        return session

    def tablet(self) -> requests.Session:
        tablet = requests.Session()
        tablet.post(f"{self.base}/kiosk/pair/{self.pairing_code}", timeout=30)
        return tablet

    def tap(self, tablet: requests.Session) -> float:
        """A sad tap; the moment it was sent, in ms since the epoch."""
        form = {
            "response_id": str(uuid.uuid4()),
            "question": str(self.rating_question),
            "rating": "1",
            "language": "en",
            "captured_at": (utcnow() - timedelta(seconds=1)).isoformat() + "Z",
        }
        sent = time.time() * 1000
        tablet.post(f"{self.base}/kiosk/responses", data=form, timeout=30).raise_for_status()
        return sent

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        with self.app.app_context():
            db.engine.dispose()


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.0f} / p95 {p95:.0f} / max {ordered[-1]:.0f}"


# 1. Tap to card in Chromium ------------------------------------------------------------------

ARRIVALS = """() => {
  window.__arrivals = {};
  new MutationObserver(() => {
    document.querySelectorAll("#inbox-list [data-alert-id]").forEach((row) => {
      window.__arrivals[row.dataset.alertId] ??= Date.now();
    });
  }).observe(document.body, {childList: true, subtree: true});
}"""


def tap_to_card(served: Served, taps: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    delays = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{served.base}/admin/login")
        page.get_by_label("E-mail").fill(served.owner[0])
        page.get_by_label("Password").fill(served.owner[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("#inbox-feed", state="attached")
        page.wait_for_timeout(1000)  # the stream is open, or the poll is running
        page.evaluate(ARRIVALS)
        tablet = served.tablet()
        chance = random.Random(taps)
        for index in range(taps):
            page.wait_for_timeout(chance.uniform(300, 1500))  # a tap at a random moment
            sent = served.tap(tablet)
            rows = page.locator("#inbox-list [data-alert-id]")
            rows.nth(index).wait_for(state="attached", timeout=15000)
            page.wait_for_function(f"Object.keys(window.__arrivals).length > {index}")
            arrived = page.evaluate("Math.max(...Object.values(window.__arrivals))")
            delays.append(arrived - sent)
        browser.close()
    return delays


# 2. What open inboxes cost the database --------------------------------------------------------


def hold_stream(session: requests.Session, url: str, ready: threading.Event, stop: threading.Event):
    with session.get(url, stream=True, timeout=60) as response:
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("retry:"):
                ready.set()
            if stop.is_set():
                return


def poll_feed(session: requests.Session, url: str, stop: threading.Event, counted: list[int]):
    cursor_url = url
    while not stop.is_set():
        answer = session.get(cursor_url, timeout=30)
        counted.append(answer.status_code)
        if answer.status_code == 200:
            found = re.search(r'id="inbox-feed" hx-get="([^"]+)"', answer.text)
            cursor_url = served_base(url) + found.group(1).replace("&amp;", "&")
        stop.wait(0.75)


def served_base(url: str) -> str:
    return url.split("/admin/", 1)[0]


def cookie_copy(session: requests.Session) -> requests.Session:
    """Another connection of the same signed-in browser (many tabs of one manager)."""
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    return copy


def stream_cost(served: Served, streams: int, window: float) -> dict:
    owner = served.sign_in()
    url = f"{served.base}/admin/alerts/stream"
    before = served.queries
    started = time.monotonic()
    time.sleep(window)
    nobody_rate = (served.queries - before) / (time.monotonic() - started)
    stop, threads, readies = threading.Event(), [], []
    before = served.queries
    for _ in range(streams):
        ready = threading.Event()
        thread = threading.Thread(
            target=hold_stream, args=(cookie_copy(owner), url, ready, stop), daemon=True
        )
        thread.start()
        threads.append(thread)
        readies.append(ready)
    deadline = time.monotonic() + 120
    opened = sum(ready.wait(max(0.0, deadline - time.monotonic())) for ready in readies)
    opening = served.queries - before
    before = served.queries
    started = time.monotonic()
    time.sleep(window)
    idle_rate = (served.queries - before) / (time.monotonic() - started)
    feed_page = owner.get(f"{served.base}/admin/", timeout=30).text
    feed = re.search(r'id="inbox-feed" hx-get="([^"]+)"', feed_page).group(1)
    before_feed = served.queries
    owner.get(f"{served.base}{feed.replace('&amp;', '&')}", timeout=30)
    catch_up = served.queries - before_feed
    stop.set()
    served.tap(served.tablet())  # wakes every stream, so each reads "stop" and leaves
    for thread in threads:
        thread.join(30)
    return {
        "opened": opened,
        "per_open": opening / max(opened, 1),
        "idle_rate": idle_rate,
        "nobody_rate": nobody_rate,
        "catch_up": catch_up,
    }


def poll_cost(served: Served, pollers: int, window: float) -> dict:
    owner = served.sign_in()
    page = owner.get(f"{served.base}/admin/", timeout=30).text
    feed = re.search(r'id="inbox-feed" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    stop, threads, counted = threading.Event(), [], []
    for _ in range(pollers):
        thread = threading.Thread(
            target=poll_feed,
            args=(cookie_copy(owner), f"{served.base}{feed}", stop, counted),
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    time.sleep(2)  # all polling
    before, polls_before = served.queries, len(counted)
    started = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - started
    rate = (served.queries - before) / elapsed
    polls = (len(counted) - polls_before) / elapsed
    stop.set()
    for thread in threads:
        thread.join(30)
    return {"rate": rate, "polls": polls, "per_poll": rate / polls if polls else 0}


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inbox-stream-") as folder:
        workdir = Path(folder)
        if not args.skip_browser:
            for label, redis_url in (("stream (Redis)", args.redis_url), ("poll 750 ms", None)):
                served = Served(workdir, redis_url)
                try:
                    delays = tap_to_card(served, args.taps)
                finally:
                    served.stop()
                print(f"tap to card, {label}, {len(delays)} taps, ms: {percentiles(delays)}")
        served = Served(workdir, args.redis_url)
        try:
            streams = stream_cost(served, args.streams, args.window)
        finally:
            served.stop()
        print(
            f"{streams['opened']} open streams: {streams['idle_rate']:.2f} queries/s in all, "
            f"idle, over {args.window:.0f} s; {streams['per_open']:.1f} queries to open one, "
            f"{streams['catch_up']} for the page's catch-up feed request on each (re)connect; "
            f"baseline, no inbox open: {streams['nobody_rate']:.2f} queries/s"
        )
        served = Served(workdir, None)
        try:
            polls = poll_cost(served, args.pollers, args.window)
        finally:
            served.stop()
        print(
            f"{args.pollers} polling inboxes: {polls['rate']:.1f} queries/s in all, "
            f"{polls['polls']:.1f} polls/s, {polls['per_poll']:.1f} queries a poll"
        )


if __name__ == "__main__":
    main()
