"""A pytest plugin: every log record of the suite is read, and none may hold personal data.

A handler on the root logger sees each record (the app's own loggers are opened down to
DEBUG, werkzeug's request lines included, so URLs are checked too); tests that start servers
in subprocesses hand their output to `scan_output`. A record with an e-mail address, an
international phone number or one of the demo customer's words fails the test it was written
in (at teardown); one written between tests fails the session. Under pytest-xdist each worker
keeps its own guard and hands what it found outside tests to the controller.

Alembic's env.py configures logging from alembic.ini, which removes the root's handlers; the
guard is put back before each test phase, so only what a phase logs after running the
migrations itself can slip past.
"""

import logging
import re
import threading
from dataclasses import dataclass

import pytest

from surveys.demo.cases import DEMO_CUSTOMER, SAMPLE_CASES

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"\+[0-9][0-9 ()./-]{6,}[0-9]")
# Customer words and names the tests and the demo store; none may ever reach a log.
PII_MARKERS = tuple(
    {words for *_, words, _contact, _handled in SAMPLE_CASES if words} | {DEMO_CUSTOMER[1]}
)
# The app's loggers are read down to DEBUG; the root keeps its level for everyone else's.
APP_LOGGERS = ("wsgi", "surveys", "admin", "kiosk", "api", "werkzeug", "gunicorn")
# The test SMTP server (aiosmtpd) stands in for the recipient's mail server, not for us.
FOREIGN_LOGGERS = ("mail.log",)
WORKER_KEY = "pii_log_violations"


def personal_data_in(text: str) -> list[str]:
    """What in the text looks like personal data: addresses, phone numbers, known words."""
    found = EMAIL.findall(text) + PHONE.findall(text)
    return found + [marker for marker in PII_MARKERS if marker.lower() in text.lower()]


@dataclass(frozen=True)
class Violation:
    """One log record with personal data: where it came from and what it held."""

    test: str | None
    source: str
    found: tuple[str, ...]
    line: str

    def __str__(self) -> str:
        where = self.test or "outside any test"
        return f"{where}: {self.source} logged {', '.join(self.found)}: {self.line[:300]}"


class PiiLogGuard(logging.Handler):
    """Collects the log records that hold personal data, by the test running at the time."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.current_test: str | None = None
        self.violations: list[Violation] = []
        self.records_seen = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Read the message, the exception and the stack of every record."""
        if record.name.startswith(FOREIGN_LOGGERS):
            return
        parts = [record.getMessage()]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        parts += [record.exc_text or "", record.stack_info or ""]
        self.scan(record.name, "\n".join(parts))

    def scan(self, source: str, text: str) -> None:
        """Check one text; remember it when it holds personal data."""
        with self._lock:
            self.records_seen += 1
            if found := personal_data_in(text):
                line = text.strip().replace("\n", " | ")
                self.violations.append(Violation(self.current_test, source, tuple(found), line))

    def take(self, test: str | None = ...) -> list[Violation]:
        """Remove and return the violations of one test (default: all of them)."""
        with self._lock:
            taken = [v for v in self.violations if test is ... or v.test == test]
            self.violations = [v for v in self.violations if v not in taken]
            return taken


GUARD = PiiLogGuard()


def scan_output(source: str, output: str | bytes) -> None:
    """Check what a server or worker subprocess printed, line by line."""
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    for line in output.splitlines():
        GUARD.scan(source, line)


def _attach() -> None:
    """Put the guard on the root logger, again after Alembic's fileConfig removed it."""
    root = logging.getLogger()
    if GUARD not in root.handlers:
        root.addHandler(GUARD)


def pytest_configure(config):
    _attach()
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > logging.DEBUG:
            logger.setLevel(logging.DEBUG)
    config._pii_violations = []


def pytest_unconfigure(config):
    logging.getLogger().removeHandler(GUARD)


def pytest_runtest_logstart(nodeid, location):
    GUARD.current_test = nodeid
    _attach()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    _attach()  # a fixture may have run the migrations, whose logging config drops handlers


def pytest_runtest_logfinish(nodeid, location):
    GUARD.current_test = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the test's teardown, fail it if it logged personal data."""
    _attach()
    result = yield
    if found := GUARD.take(item.nodeid):
        lines = "\n".join(f"  {violation}" for violation in found)
        pytest.fail(f"Personal data in logs:\n{lines}", pytrace=False)
    return result


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Whatever was logged outside tests fails the session; a worker hands it on."""
    left = [str(violation) for violation in GUARD.take()]
    config = session.config
    if hasattr(config, "workeroutput"):
        config.workeroutput[WORKER_KEY] = left
        return
    config._pii_violations.extend(left)
    if config._pii_violations and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: collect what a worker found outside its tests."""
    found = getattr(node, "workeroutput", {}).get(WORKER_KEY, [])
    node.config._pii_violations.extend(found)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if config._pii_violations:
        terminalreporter.section("personal data in logs", red=True)
        for line in config._pii_violations:
            terminalreporter.line(line)
