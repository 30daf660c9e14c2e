"""The log check of tests/log_capture.py can fail: a suite that logs an address does."""

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from tests.log_capture import GUARD, PiiLogGuard, personal_data_in

ROOT = Path(__file__).resolve().parents[1]
FAKE_ADDRESS = "jane.doe@example.org"


def test_the_checker_finds_addresses_phones_and_customer_words():
    assert personal_data_in(f"sent to {FAKE_ADDRESS}") == [FAKE_ADDRESS]
    assert personal_data_in("call +374 10 123456 now") == ["+374 10 123456"]
    assert personal_data_in("she wrote: The bread was stale.") == ["The bread was stale."]
    assert personal_data_in('"GET /admin/cases/12 HTTP/1.1" 200 -') == []
    assert personal_data_in("outbox message msg_0123abcd: lease lost before settling") == []


def test_a_record_with_an_address_is_caught_with_its_test():
    guard = PiiLogGuard()  # a guard of its own, on a logger that never reaches the root
    logger = logging.getLogger("tests.log_capture.self_test")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(guard)
    guard.current_test = "a test"
    try:
        logger.warning("apology sent to %s", FAKE_ADDRESS)
        logger.info("nothing personal here")
    finally:
        logger.removeHandler(guard)
    (caught,) = guard.take("a test")
    assert caught.found == (FAKE_ADDRESS,) and caught.source == logger.name
    assert guard.records_seen == 2 and guard.take() == []


def test_the_suite_wide_guard_is_installed():
    assert GUARD in logging.getLogger().handlers
    assert logging.getLogger("surveys").isEnabledFor(logging.DEBUG)


LEAKY_SUITE = {
    "conftest.py": """
        import logging

        pytest_plugins = ["tests.log_capture"]


        def pytest_sessionfinish(session):
            if hasattr(session.config, "workerinput"):  # outside any test, on a worker
                logging.getLogger("surveys.leak").error("late: ann@example.net")
    """,
    "test_leak.py": f"""
        import logging


        def test_logs_an_address():
            logging.getLogger("surveys.leak").warning("apology to {FAKE_ADDRESS}")


        def test_clean():
            logging.getLogger("surveys.leak").info("nothing personal")
    """,
}


def run_leaky_suite(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a two-test suite that logs an address, with the plugin, in its own process."""
    for name, source in LEAKY_SUITE.items():
        (tmp_path / name).write_text(textwrap.dedent(source))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, *args, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_a_suite_that_logs_an_address_fails_and_names_the_test(tmp_path):
    run = run_leaky_suite(tmp_path)
    assert run.returncode == 1, run.stdout
    assert "2 passed, 1 error" in run.stdout  # the leaky test errs at its teardown
    assert f"test_logs_an_address: surveys.leak logged {FAKE_ADDRESS}" in run.stdout


@pytest.mark.slow
def test_under_xdist_a_workers_leak_outside_tests_fails_the_session_too(tmp_path):
    run = run_leaky_suite(tmp_path, "-n", "2")
    assert run.returncode == 1, run.stdout
    assert "personal data in logs" in run.stdout
    assert "outside any test: surveys.leak logged ann@example.net" in run.stdout


def test_request_lines_of_a_test_server_are_read_too(live_server, request):
    requests.get(f"{live_server}/admin/login?next=/{FAKE_ADDRESS}", timeout=30)
    caught = GUARD.take(request.node.nodeid)  # taken, so this test itself passes
    assert [violation.source for violation in caught] == ["werkzeug"]
    assert caught[0].found == (FAKE_ADDRESS,)
