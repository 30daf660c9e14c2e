"""Fixtures for notifications: a real SMTP server, a real webhook receiver, a paired kiosk,
and the app set to allow the loopback receiver and to retry without waiting."""

import uuid
from datetime import timedelta

import pytest

from surveys.capture.responses import Tap, record_tap
from surveys.db import db
from surveys.models import Location, Role, utcnow
from surveys.notify.targets import add_webhook
from surveys.people.accounts import create_user
from tests.surveys.notify.push_service import PushService
from tests.surveys.notify.receiver import Receiver
from tests.surveys.notify.smtp import start_smtp


@pytest.fixture
def app(app):
    """The test app, with the loopback receiver allowed."""
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True)
    return app


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app sends to it."""
    controller, mailbox, url = start_smtp()
    app.config["SMTP_URL"] = url
    yield mailbox
    controller.stop()


@pytest.fixture
def push_service(app):
    """A real Web Push service on loopback that decrypts what it receives."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the push service listens on loopback
    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def receiver():
    """A real HTTP webhook receiver on loopback."""
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def webhook(device, receiver):
    """A generic webhook of the demo location pointing at the receiver."""
    hook, secret = add_webhook(device.location, receiver.url, "generic")
    db.session.commit()
    receiver.secret = secret
    return hook


def add_manager(email: str, *locations: Location, role: Role = Role.MANAGER):
    """An active user assigned to the locations."""
    user = create_user(email, "a long enough password", role)
    user.locations = list(locations)
    db.session.flush()
    return user


def later(hours: int = 2):
    """A moment when every retry scheduled now is due (the delay's ceiling is an hour)."""
    return utcnow() + timedelta(hours=hours)


def sad_tap(device, demo, rating: int = 1, seconds_ago: int = 0):
    """A committed unhappy tap on the demo kiosk; its response (with the alert).

    Taps on one device less than 5 s apart count as misuse, so tests space them out.
    """
    tap = Tap(
        response_uuid=str(uuid.uuid4()),
        question_id=str(demo.question_ids["rating"]),
        rating=str(rating),
        language="en",
        captured_at=(utcnow() - timedelta(seconds=seconds_ago)).isoformat() + "Z",
    )
    response = record_tap(device, tap)
    db.session.commit()
    return response
