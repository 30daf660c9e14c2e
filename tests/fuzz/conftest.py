"""Fuzz settings: how many examples (COUNTERPULSE_FUZZ_EXAMPLES), reproducible by default.

COUNTERPULSE_FUZZ_EXAMPLES is the number of generated public examples, shared among the
public endpoints; the admin gets a fifth of it, half as the owner and half as a manager.
Each example sends one request or more. The default keeps CI quick; the long run is
COUNTERPULSE_FUZZ_EXAMPLES=10000. COUNTERPULSE_FUZZ_RANDOM=1 explores new examples each run
instead of the same derandomized ones; COUNTERPULSE_FUZZ_REPORT=path collects the figures.
"""

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from surveys.db import db
from surveys.models import Location
from tests.admin.conftest import cast, new_alert  # noqa: F401  (fixtures for the admin fuzz)
from tests.fuzz.invariants import database_problems
from tests.fuzz.wire import path_uuid, sent_uuid

FUZZ_DIR = Path(__file__).parent
DEFAULT_EXAMPLES = 1000  # about 45 s on the shared 2-core machine; found what 300 missed


def public_examples() -> int:
    """All public examples of one run."""
    return int(os.environ.get("COUNTERPULSE_FUZZ_EXAMPLES") or DEFAULT_EXAMPLES)


def fuzz_settings(share: float) -> settings:
    """Hypothesis settings for a test that gets this share of the public examples."""
    return settings(
        max_examples=max(10, round(public_examples() * share)),
        deadline=None,
        database=None,
        derandomize=os.environ.get("COUNTERPULSE_FUZZ_RANDOM") != "1",
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=True,
    )


@pytest.fixture
def fuzz_app(app, demo):
    """The demo shop with its limits out of the way: the fuzzer is one client address, and
    its API keys would otherwise spend their budget in a few seconds (429, not a fuzz)."""
    app.config["POSTER_RATE_LIMIT"] = "1000000 per minute"
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        location.response_interval_seconds = 0  # more alerts and follow-ups to check
        db.session.commit()
    return app


class Accepted:
    """The taps and follow-ups the server said it stored; the database must hold just these."""

    def __init__(self):
        self.taps: set[str] = set()
        self.follow_ups: set[str] = set()
        self.history: dict[str, list[str]] = {}  # what was sent for each id, for the report

    def note(self, request, response) -> None:
        """Remember what a 200 answer to a tap or a follow-up stored."""
        for mentioned in {sent_uuid(request), path_uuid(request)} - {None}:
            line = f"{request.label} {response.status_code} {request.body!r:.300}"
            self.history.setdefault(mentioned, []).append(line)
        if response.status_code != 200:
            return
        if request.label.endswith(("submit", "tap")) and (stored := sent_uuid(request)):
            self.taps.add(stored)
        elif request.label.endswith("follow-up") and (stored := path_uuid(request)):
            self.follow_ups.add(stored)

    def check(self, app) -> None:
        """Fail with every inconsistency found in the database."""
        with app.app_context():
            problems = database_problems(self.taps, self.follow_ups)
        named = set(re.findall(r"[0-9a-f-]{36}", " ".join(problems)))
        assert problems == [], {name: self.history.get(name) for name in named}


def pytest_collection_modifyitems(items):
    """Mark every test in this folder slow: each runs hundreds of hostile requests."""
    for item in items:
        if FUZZ_DIR in item.path.parents:
            item.add_marker(pytest.mark.slow)
