"""Webhook URLs that would reach the loopback, link-local or private network are refused,
when saved and again at delivery. No test here sends a packet anywhere but loopback."""

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import OutboxMessage, OutboxStatus
from surveys.notify.addresses import UnsafeDestination, is_public_address, resolve_destination
from surveys.notify.outbox import deliver_next
from surveys.notify.targets import add_webhook
from tests.surveys.notify.conftest import sad_tap

REFUSED = [
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.9/hook",
    "http://192.168.1.20:5000/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://224.0.0.1/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_addresses_are_refused_by_default(url):
    with pytest.raises(UnsafeDestination):
        resolve_destination(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.216.34/hook",
        "file:///etc/passwd",
        "https://user:secret@93.184.216.34/hook",
        "https:///hook",
        "http://93.184.216.34:99999/hook",
        "https://93.184.216.34/ho ok",
        "https://" + "a" * 2100 + ".example/",
    ],
)
def test_malformed_urls_are_refused(url):
    with pytest.raises(UnsafeDestination):
        resolve_destination(url, allow_private=True)


def test_a_public_address_is_accepted_and_pinned():
    # An IP literal resolves without DNS; nothing is sent.
    destination = resolve_destination("https://93.184.216.34/hooks?x=1", allow_private=False)
    assert destination.address == "93.184.216.34" and destination.port == 443
    assert destination.target == "/hooks?x=1"
    assert is_public_address("2606:2800:220:1:248:1893:25c8:1946")


def test_loopback_is_allowed_only_when_configured():
    destination = resolve_destination("http://localhost:8080/x", allow_private=True)
    assert destination.address in {"127.0.0.1", "::1"}


def test_saving_a_private_url_is_refused_with_a_message(app, device):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    with pytest.raises(SubmissionInvalid) as refused:
        add_webhook(device.location, "http://127.0.0.1:9/hook", "generic")
    assert "private" in refused.value.errors["url"]
    with pytest.raises(SubmissionInvalid) as refused:
        add_webhook(device.location, "https://93.184.216.34/hook", "carrier-pigeon")
    assert set(refused.value.errors) == {"preset"}


def test_delivery_checks_again_and_refuses_what_became_private(
    app, device, demo, receiver, webhook
):
    # Saved while allowed; then the setting is turned off, as a rebinding DNS answer would
    # turn a public name private: the worker refuses before connecting.
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    sad_tap(device, demo)
    assert deliver_next()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == OutboxStatus.DEAD
    assert "private" in message.last_error
    assert receiver.log == []
