"""The poster rate limit across three gunicorn workers sharing Redis: it holds once, not
once per worker. Needs TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15); skipped without."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Response
from tests.kiosk.link_helpers import demo_poster_code, form_of, tap_form
from tests.log_capture import scan_output

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5
ATTEMPTS = 24

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(app, demo, redis_prefix):
    """Counterpulse under gunicorn with three workers, on the test database and Redis."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": TEST_REDIS_URL,
        "COUNTERPULSE_SECRET_KEY": "gunicorn-test-secret",
        "COUNTERPULSE_PUBLIC_URL": base,
        "COUNTERPULSE_POSTER_RATE_LIMIT": f"{LIMIT} per hour",
        "COUNTERPULSE_RATELIMIT_KEY_PREFIX": redis_prefix,
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_serving(base, server)
        yield base
    finally:
        server.terminate()
        scan_output("gunicorn", server.communicate(timeout=30)[1])


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {server.stderr.read()}")
        try:
            requests.get(f"{base}/kiosk/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start within 60 s")


def test_the_poster_limit_holds_across_three_workers(app, demo, gunicorn):
    code = demo_poster_code(app, demo)
    pages = []
    for _ in range(ATTEMPTS):  # a fresh browser each time, so the cookie does not stop them
        pages.append(form_of(requests.get(f"{gunicorn}/p/{code}", timeout=30).text))

    def answer(page):
        with requests.Session() as browser:
            return browser.post(f"{gunicorn}/p/{code}", data=tap_form(page, 1), timeout=30)

    with ThreadPoolExecutor(8) as pool:
        statuses = [response.status_code for response in pool.map(answer, pages)]
    assert sorted(statuses) == [200] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == LIMIT
