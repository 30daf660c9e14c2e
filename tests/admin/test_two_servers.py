"""Two app servers (separate gunicorn processes) sharing one PostgreSQL: what happens on
one is seen on the other, so nothing depends on one process's memory."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from surveys.db import db
from surveys.models import Location
from tests.conftest import TEST_DATABASE_URL
from tests.kiosk.test_kiosk_http import tap_form
from tests.log_capture import scan_output

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
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
    database_uri: str, log, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """One gunicorn with two workers on a free loopback port, serving the shared database
    (and Redis: REDIS_URL from extra_env, else the test Redis with a prefix of its own)."""
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
    command += ["--access-logfile", "-"]  # request lines too: no personal data in URLs
    command += ["--access-logformat", ACCESS_LOG_FORMAT]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
def two_servers(app, demo, database_uri, tmp_path):
    """Servers A and B, each its own gunicorn, on the test's PostgreSQL database."""
    with app.app_context():
        db.session.get(Location, demo.location_id).manager_on_duty = False
        db.session.commit()
        db.engine.dispose()
    logs = [(tmp_path / f"gunicorn-{name}.log").open("w") for name in "ab"]
    started = [start_gunicorn(database_uri, log) for log in logs]
    try:
        for process, base in started:
            wait_until_serving(base, process)
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            process.terminate()
            process.wait(timeout=30)
        for log in logs:
            log.close()
            scan_output("gunicorn", Path(log.name).read_text())


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
