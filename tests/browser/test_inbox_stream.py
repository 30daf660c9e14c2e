"""The inbox in a real Chromium with the event stream: with Redis a sad tap's card comes by
the stream (the poll is made too slow to bring it), and with Redis down it comes by the poll."""

import os
import uuid

import pytest

from surveys.db import db
from tests.browser.test_inbox import GENEROUS_BOUND_MS, inbox, sad_tap, tablet  # noqa: F401
from wsgi import create_app

expect = pytest.importorskip("playwright.sync_api").expect
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # a Redis that is down


def app_with(database_uri: str, **settings):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PUBLIC_URL": "http://localhost",
            "RATELIMIT_KEY_PREFIX": f"cp-stream-{uuid.uuid4().hex[:12]}",
            "INBOX_CHANNEL_PREFIX": f"cp-stream-{uuid.uuid4().hex[:12]}:",
            **settings,
        }
    )


@pytest.fixture
def app(request, database_uri, monkeypatch):
    """The app with the Redis the test names (indirect parameter)."""
    redis_url = request.param
    if redis_url is None:
        pytest.skip("needs TEST_REDIS_URL")
    settings = {"REDIS_URL": redis_url}
    if redis_url == NOBODY_LISTENS:
        settings["RATELIMIT_STORAGE_URI"] = "memory://"  # the limiter is not under test
    else:
        # Only the stream can bring the card in time: the page's poll waits ten minutes.
        monkeypatch.setattr("admin.alerts.FEED_POLL_MS", 600_000)
    app = app_with(database_uri, **settings)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("app", [TEST_REDIS_URL], indirect=True)
def test_with_the_stream_a_sad_tap_appears_without_polling(app, inbox, tablet):  # noqa: F811
    expect(inbox.locator("#inbox-feed[data-stream-url]")).to_have_count(1)
    sad_tap(tablet)
    row = inbox.locator("#inbox-list [data-alert-id]")
    expect(row).to_have_count(1, timeout=GENEROUS_BOUND_MS)
    expect(row).to_contain_text("rating 1 of 5")
    expect(inbox.locator("#inbox-announce")).to_contain_text("New alert at Demo shop")


@pytest.mark.parametrize("app", [NOBODY_LISTENS], indirect=True)
def test_with_redis_down_the_card_still_comes_by_the_poll(app, inbox, tablet, browser_problems):  # noqa: F811
    browser_problems.allow("503")  # the refused stream, which the page answers by polling
    sad_tap(tablet)
    row = inbox.locator("#inbox-list [data-alert-id]")
    expect(row).to_have_count(1, timeout=GENEROUS_BOUND_MS)
    expect(row).to_contain_text("rating 1 of 5")
