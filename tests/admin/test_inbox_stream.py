"""The inbox's event stream over real HTTP with a real Redis: a sad tap at a shop reaches
the open streams of those who may see it, and nobody else's; the stream is bounded."""

import os
import queue
import re
import threading
import uuid

import pytest
import requests

from surveys.db import db
from surveys.models import Location, Role
from tests.case_factories import live_sign_in, make_alert, make_location, make_user
from tests.kiosk.test_kiosk_http import tap_form
from tests.threads import join_all
from wsgi import create_app

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")
# Only a stream that does not work waits this long; a working one answers in milliseconds.
NO_EVENT_AFTER_SECONDS = 30


@pytest.fixture
def app(database_uri):
    """The app with Redis, on pub/sub channels of this test's own."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "REDIS_URL": TEST_REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"cp-stream-{uuid.uuid4().hex[:12]}",
            "INBOX_CHANNEL_PREFIX": f"cp-stream-{uuid.uuid4().hex[:12]}:",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


class Stream:
    """An open event stream read in a thread: its events as (name, data), comments as
    (":", text), in order, in a queue."""

    def __init__(self, session: requests.Session, url: str):
        self.response = session.get(url, stream=True, timeout=NO_EVENT_AFTER_SECONDS)
        self.events: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.events.put((":", line[1:].strip()))
                elif line.startswith("event:"):
                    name = line.removeprefix("event:").strip()
                elif line.startswith("data:"):
                    data = line.removeprefix("data:").strip()
                elif line.startswith("retry:"):
                    self.events.put(("retry", line.removeprefix("retry:").strip()))
                elif line == "" and (name != "message" or data):
                    self.events.put((name, data))
                    name, data = "message", ""
        except (requests.RequestException, AttributeError):
            pass  # closed by the test (urllib3 then reads from a socket it let go)
        self.events.put(("closed", ""))

    def next_event(self) -> tuple[str, str]:
        """The next event or comment; a stream silent for long is a failure."""
        return self.events.get(timeout=NO_EVENT_AFTER_SECONDS)

    def next_named(self) -> tuple[str, str]:
        """The next event, comments skipped."""
        while (event := self.next_event())[0] == ":":
            pass
        return event

    def close(self) -> None:
        self.response.close()
        join_all([self.thread], seconds=10)


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    live_sign_in(session, base, email)
    return session


@pytest.fixture
def people(app, demo):
    """A manager of the demo shop and one of another shop, with the test password."""
    with app.app_context():
        demo_shop = db.session.get(Location, demo.location_id)
        demo_shop.manager_on_duty = False
        other = make_location("Other shop")
        make_user("manager@demo.example", Role.MANAGER, [demo_shop])
        make_user("manager@other.example", Role.MANAGER, [other])
        db.session.commit()
        return {"other_shop": other.id}


def open_stream(base: str, email: str, query: str = "") -> Stream:
    stream = Stream(signed_in(base, email), f"{base}/admin/alerts/stream{query}")
    assert stream.response.status_code == 200
    assert stream.response.headers["Content-Type"].startswith("text/event-stream")
    assert stream.next_event()[0] == "retry"  # sent once subscribed: nothing is missed now
    return stream


def test_a_sad_tap_reaches_the_streams_of_its_shop_and_no_other(app, demo, people, live_server):
    ours = open_stream(live_server, "manager@demo.example")
    theirs = open_stream(live_server, "manager@other.example")
    manager = signed_in(live_server, "manager@demo.example")
    page = manager.get(f"{live_server}/admin/", timeout=30).text
    feed = re.search(r'id="inbox-feed" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    try:
        kiosk = requests.Session()
        kiosk.post(f"{live_server}/kiosk/pair/{demo.pairing_code}", timeout=30)
        tap = kiosk.post(f"{live_server}/kiosk/responses", data=tap_form(demo, 1), timeout=30)
        assert tap.status_code == 200

        assert ours.next_named() == ("changed", str(demo.location_id))
        # Told after the commit (not a savepoint's release): the feed has the card already.
        told = manager.get(f"{live_server}{feed}", timeout=30)
        assert told.status_code == 200 and "rating 1 of 5" in told.text
        # Then an alert at the other shop: its manager's first event is that one, so the
        # demo shop's tap, published earlier on the same Redis, never reached them.
        with app.app_context():
            make_alert(db.session.get(Location, people["other_shop"]))
            db.session.commit()
        assert theirs.next_named() == ("changed", str(people["other_shop"]))
    finally:
        ours.close()
        theirs.close()


def test_the_stream_tells_of_a_case_changing_state(app, demo, people, live_server):
    with app.app_context():
        alert = make_alert(db.session.get(Location, demo.location_id))
        db.session.commit()
        alert_id = alert.id
    stream = open_stream(live_server, "manager@demo.example")
    try:
        session = signed_in(live_server, "manager@demo.example")
        page = session.get(f"{live_server}/admin/alerts/{alert_id}", timeout=30).text
        token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
        acknowledged = session.post(
            f"{live_server}/admin/alerts/{alert_id}/acknowledge",
            headers={"X-CSRFToken": token},
            timeout=30,
        )
        assert acknowledged.status_code < 400, acknowledged.status_code
        assert stream.next_named() == ("changed", str(demo.location_id))
    finally:
        stream.close()


def test_the_stream_is_for_the_signed_in_and_their_own_shops(app, demo, people, live_server):
    anonymous = requests.get(
        f"{live_server}/admin/alerts/stream", allow_redirects=False, timeout=30
    )
    assert anonymous.status_code in (302, 303, 401)
    assert "text/event-stream" not in anonymous.headers.get("Content-Type", "")
    other = signed_in(live_server, "manager@other.example")
    refused = other.get(
        f"{live_server}/admin/alerts/stream?location={demo.location_id}", timeout=30
    )
    assert refused.status_code == 404


def test_the_stream_beats_and_ends_so_it_holds_a_thread_for_a_while_only(
    app, demo, people, live_server
):
    app.config.update(INBOX_STREAM_SECONDS=2, INBOX_STREAM_HEARTBEAT_SECONDS=0.5)
    stream = open_stream(live_server, "manager@demo.example")
    try:
        seen = []
        while (event := stream.next_event())[0] != "closed":
            seen.append(event[0])
        assert ":" in seen
        assert seen[-1] == "bye"
    finally:
        stream.close()
