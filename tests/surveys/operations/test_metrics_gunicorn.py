"""Metrics under gunicorn: two worker processes share PROMETHEUS_MULTIPROC_DIR, and one
scrape, whichever worker answers it, counts the requests both of them served."""

import json
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.mmap_dict import MmapedDict

from tests.conftest import shared_state_env
from tests.log_capture import scan_output
from tests.surveys.operations.scrape import BEARER, METRICS_TOKEN, value
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
HEALTHZ = {"method": "GET", "endpoint": "healthz", "status": "200"}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(app, tmp_path):
    """Counterpulse under gunicorn with two workers on the test database."""
    port, metrics_dir = free_port(), tmp_path / "metrics"
    metrics_dir.mkdir()
    env = os.environ | {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "COUNTERPULSE_SECRET_KEY": "gunicorn-test-secret",
        "COUNTERPULSE_METRICS_TOKEN": METRICS_TOKEN,
        "COUNTERPULSE_OUTBOX_IN_PROCESS": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        **shared_state_env(),
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base, server), seconds=60, what="gunicorn serving")
        yield base, metrics_dir
    finally:
        server.terminate()
        scan_output("gunicorn", server.communicate(timeout=30)[1])


def _answers(base: str, server: subprocess.Popen) -> bool:
    assert server.poll() is None, "gunicorn exited"
    try:
        return requests.get(f"{base}/healthz", timeout=60).status_code == 200
    except requests.RequestException:
        return False


def workers_that_served_healthz(metrics_dir: Path) -> set[str]:
    """The pids whose own metrics file has a /healthz request in it."""
    pids = set()
    for path in metrics_dir.glob("histogram_*.db"):
        for key, count, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(path)):
            _metric, _name, labels, _help = json.loads(key)
            if labels.get("endpoint") == "healthz" and count > 0:
                pids.add(path.stem.removeprefix("histogram_"))
    return pids


def test_one_scrape_counts_the_requests_of_every_worker(gunicorn):
    base, metrics_dir = gunicorn
    name = "counterpulse_request_duration_seconds_count"
    before = value(
        requests.get(f"{base}/metrics", headers=BEARER, timeout=30).text, name, **HEALTHZ
    )
    assert before >= 1  # the start-up probe
    sent = 0
    with ThreadPoolExecutor(4) as pool:

        def both_served() -> bool:
            nonlocal sent
            answers = list(
                pool.map(lambda _: requests.get(f"{base}/healthz", timeout=30), range(8))
            )
            assert [answer.status_code for answer in answers] == [200] * 8
            sent += len(answers)
            return len(workers_that_served_healthz(metrics_dir)) >= 2

        wait_until(both_served, seconds=60, what="both workers answering")
    for _ in range(3):  # whichever worker answers the scrape, it counts them all
        scrape = requests.get(f"{base}/metrics", headers=BEARER, timeout=10)
        assert scrape.status_code == 200
        assert value(scrape.text, name, **HEALTHZ) == before + sent
    assert requests.get(f"{base}/metrics", timeout=10).status_code == 401
