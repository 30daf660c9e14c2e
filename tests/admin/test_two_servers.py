"""Two app servers (separate gunicorn processes) sharing one PostgreSQL and one Redis: what
happens on one is seen on the other, so nothing depends on one process's memory; one killed
mid-load loses and doubles no tap, and the rate limits count once across both."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Answer, Location, Response
from tests.conftest import TEST_DATABASE_URL
from tests.kiosk.test_kiosk_http import tap_form
from tests.log_capture import scan_output
from tests.threads import join_all
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
    # A PostgreSQL host refuses to start without Redis (surveys/shared_state.py).
    pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL"),
]
ROOT = Path(__file__).resolve().parents[2]
PARTIAL = {"HX-Request-Type": "partial"}
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
# The worker's process id first, so a test can tell which worker answered.
ACCESS_LOG_FORMAT = 'pid=%(p)s "%(r)s" %(s)s'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    database_uri: str, log, extra_env: dict[str, str] | None = None, options: tuple = ()
) -> tuple[subprocess.Popen, str]:
    """One gunicorn with two workers on a free loopback port, serving the shared database
    (and Redis: REDIS_URL from extra_env, else the test Redis), with more gunicorn options."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "COUNTERPULSE_SQLALCHEMY_DATABASE_URI": database_uri,
        "COUNTERPULSE_SECRET_KEY": "shared-by-both-servers",
    }
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    env |= extra_env or {}
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    command.append("--no-control-socket")  # else gunicorn 27 makes ~/.gunicorn/gunicorn.ctl
    command += list(options)
    command += ["--access-logfile", "-"]  # request lines too: no personal data in URLs
    command += ["--access-logformat", ACCESS_LOG_FORMAT]
    # A session of its own, so the master and its workers can be killed together.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_serving(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            if requests.get(f"{base}/admin/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"{base} did not start")


@pytest.fixture
def server_processes(app, demo, database_uri, redis_prefix, tmp_path):
    """Servers A and B as (gunicorn process, base URL), each its own gunicorn, on the test's
    PostgreSQL database and Redis; behind one trusted proxy, so a test may name the client
    address in X-Forwarded-For."""
    with app.app_context():
        db.session.get(Location, demo.location_id).manager_on_duty = False
        db.session.commit()
        db.engine.dispose()
    env = {"COUNTERPULSE_RATELIMIT_KEY_PREFIX": redis_prefix, "COUNTERPULSE_TRUSTED_PROXIES": "1"}
    logs = [(tmp_path / f"gunicorn-{name}.log").open("w") for name in "ab"]
    started = [start_gunicorn(database_uri, log, env) for log in logs]
    try:
        for process, base in started:
            wait_until_serving(base, process)
        yield started
    finally:
        for process, _base in started:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)
        for log in logs:
            log.close()
            scan_output("gunicorn", Path(log.name).read_text())


@pytest.fixture
def two_servers(server_processes):
    """The base URLs of servers A and B."""
    return [base for _process, base in server_processes]


def signed_in_inbox(base: str, demo) -> tuple[requests.Session, str, str]:
    """The demo owner signed in on a server: the session, its CSRF token and feed URL."""
    session = requests.Session()
    login = session.get(f"{base}/admin/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    form = {"email": demo.owner_email, "password": demo.owner_password, "csrf_token": token}
    assert session.post(f"{base}/admin/login", data=form, timeout=10).status_code == 200
    page = session.get(f"{base}/admin/", timeout=10).text
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    feed = re.search(r'id="inbox-feed" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    return session, csrf, f"{base}{feed}"


def test_an_alert_taken_on_one_server_appears_in_the_inbox_served_by_the_other(two_servers, demo):
    server_a, server_b = two_servers
    inbox, csrf, feed = signed_in_inbox(server_b, demo)
    assert inbox.get(feed, headers=PARTIAL, timeout=10).status_code == 204
    assert inbox.post(
        f"{server_b}/admin/alerts/presence", headers={"X-CSRFToken": csrf}, timeout=10
    ).ok

    tablet = requests.Session()
    tablet.post(f"{server_a}/kiosk/pair/{demo.pairing_code}", timeout=10)
    form = tap_form(demo, 1)
    assert tablet.post(f"{server_a}/kiosk/responses", data=form, timeout=10).status_code == 200
    thanks = tablet.post(f"{server_a}/kiosk/responses/{form['response_id']}/follow-up", timeout=10)
    # Server A knows of the inbox open on server B only through the database.
    assert "A manager has been told and will come to you." in thanks.text

    news = inbox.get(feed, headers=PARTIAL, timeout=10)
    assert news.status_code == 200
    assert "New alert at Demo shop: rating 1 of 5" in news.text and 'id="alert-1"' in news.text


TABLETS, TAPS_EACH = 4, 30
KILL_AFTER = 40  # taps acknowledged before server A is killed


def pair_tablet(base: str, demo) -> dict[str, str]:
    """The device cookie of the demo tablet, paired on one server and good on both."""
    with requests.Session() as tablet:
        assert tablet.post(f"{base}/kiosk/pair/{demo.pairing_code}", timeout=30).ok
        return tablet.cookies.get_dict()


def send_until_stored(tablet: requests.Session, servers: list[str], form, first: int) -> int:
    """Post one tap as the offline queue does: the same UUID again until a server stores it,
    moving to the other server when one does not answer. How many posts it took."""
    for attempt in range(40):
        base = servers[(first + attempt) % len(servers)]
        try:
            response = tablet.post(f"{base}/kiosk/responses", data=form, timeout=30)
        except requests.ConnectionError:
            continue
        if response.status_code == 200:
            return attempt + 1
        assert response.status_code >= 500, response.text  # a refusal would lose the tap
    pytest.fail(f"tap {form['response_id']} was never stored")


def test_a_server_killed_mid_load_loses_and_doubles_no_tap(app, server_processes, demo):
    servers = [base for _process, base in server_processes]
    cookies = pair_tablet(servers[1], demo)
    forms = [[tap_form(demo, 5 - n % 5) for n in range(TAPS_EACH)] for _ in range(TABLETS)]
    stored, posts = [], []

    def tablet_sends(taps):
        with requests.Session() as tablet:
            tablet.cookies.update(cookies)
            for n, form in enumerate(taps):
                posts.append(send_until_stored(tablet, servers, form, first=n))
                stored.append(form["response_id"])

    threads = [threading.Thread(target=tablet_sends, args=(taps,)) for taps in forms]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(stored) >= KILL_AFTER, seconds=120, what=f"{KILL_AFTER} taps")
    killed, _base = server_processes[0]
    os.killpg(killed.pid, signal.SIGKILL)  # the master and its workers, mid-request
    join_all(threads, seconds=300)
    assert killed.wait(timeout=30) == -signal.SIGKILL
    assert any(count > 1 for count in posts)  # some taps were sent again after the kill

    every_form = [form for taps in forms for form in taps]
    survivor = requests.Session()
    survivor.cookies.update(cookies)
    for form in every_form:  # the offline queue replays what it never saw acknowledged
        assert survivor.post(f"{servers[1]}/kiosk/responses", data=form, timeout=30).ok

    with app.app_context():
        uuids = db.session.scalars(select(Response.uuid)).all()
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        db.session.close()
        db.engine.dispose()
    sent = [form["response_id"] for form in every_form]
    assert sorted(uuids) == sorted(sent)  # each tap once: none lost, none doubled
    assert answers == len(sent)  # and each with its one first answer


def sign_in(base: str, email: str, password: str, address: str) -> int:
    """One sign-in from a fresh browser at a client address (the trusted proxy's header)."""
    with requests.Session() as browser:
        browser.headers["X-Forwarded-For"] = address
        page = browser.get(f"{base}/admin/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"email": email, "password": password, "csrf_token": token}
        response = browser.post(f"{base}/admin/login", data=form, allow_redirects=False, timeout=30)
        return response.status_code


def test_the_sign_in_limit_counts_once_across_both_servers(two_servers, demo):
    # 10 failures per account from one address (the documented default), wherever they land.
    attacker = "203.0.113.66"

    def guess(n: int) -> int:
        return sign_in(two_servers[n % 2], demo.owner_email, "not the password", attacker)

    with ThreadPoolExecutor(4) as pool:  # in parallel, on both servers' four workers
        codes = list(pool.map(guess, range(24)))
    assert sorted(codes) == [422] * 10 + [429] * 14
    for base in two_servers:  # the attacker's address is refused even the right password ...
        assert sign_in(base, demo.owner_email, demo.owner_password, attacker) == 429
    for base in two_servers:  # ... and the owner, elsewhere, signs in on either server
        assert sign_in(base, demo.owner_email, demo.owner_password, "198.51.100.20") == 303
