"""The inbox signal on a real Redis: published after the real commit only, never after a
savepoint's release or for what was rolled back. A marker published by the test between
the steps orders the messages, so no waiting decides the outcome."""

import os
import uuid

import pytest

from surveys.cases.live import channel
from surveys.db import db
from surveys.models import Location
from tests.case_factories import make_alert

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")
NO_MESSAGE_AFTER_SECONDS = 30


@pytest.fixture
def listening(app, demo):
    """The demo shop's channel, subscribed; a function returning its next message."""
    redis = pytest.importorskip("redis").Redis.from_url(TEST_REDIS_URL)
    prefix = f"cp-live-{uuid.uuid4().hex[:12]}:"
    app.config.update(REDIS_URL=TEST_REDIS_URL, INBOX_CHANNEL_PREFIX=prefix)
    name = channel(prefix, demo.location_id)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(name)

    def next_message() -> bytes:
        message = pubsub.get_message(timeout=NO_MESSAGE_AFTER_SECONDS)
        while message is None or message["type"] != "message":
            message = pubsub.get_message(timeout=NO_MESSAGE_AFTER_SECONDS)
            assert message is not None, "no message"
        return message["data"]

    yield lambda: redis.publish(name, "marker"), next_message
    pubsub.close()
    redis.close()


def test_a_savepoint_announces_nothing_until_the_commit(app, demo, listening):
    marker, next_message = listening
    with app.app_context():
        with db.session.begin_nested():
            make_alert(db.session.get(Location, demo.location_id))
        marker()
        db.session.commit()
    assert next_message() == b"marker"
    assert next_message() == str(demo.location_id).encode()


def test_a_rolled_back_alert_is_not_announced(app, demo, listening):
    marker, next_message = listening
    with app.app_context():
        make_alert(db.session.get(Location, demo.location_id))
        db.session.rollback()
        db.session.commit()
        marker()
    assert next_message() == b"marker"
