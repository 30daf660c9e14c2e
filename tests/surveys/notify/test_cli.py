"""The commands: adding webhooks (secret shown once, private URLs refused), draining the
outbox, listing and retrying dead messages."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import OutboxMessage, OutboxStatus, Webhook
from tests.surveys.notify.conftest import sad_tap


def run(app, *args: str):
    """Invoke a command; the test's own transaction ends first, as no SQLite lock may be
    held across a command whose worker writes from another session."""
    db.session.commit()
    return app.test_cli_runner().invoke(args=list(args))


def test_webhooks_add_prints_the_secret_once_and_list_never(app, device, receiver):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "webhooks",
            "add",
            "--location",
            str(device.location_id),
            receiver.url,
            "--preset",
            "slack",
        ]
    )
    assert added.exit_code == 0, added.output
    secret = added.output.split("Signing secret")[1].split(": ", 1)[1].strip()
    assert secret.startswith("whsec_")
    db.session.expire_all()
    hook = db.session.scalars(select(Webhook)).one()
    assert hook.secret == secret and hook.preset == "slack"
    listed = run(app, "webhooks", "list")
    assert receiver.url in listed.output and secret not in listed.output


def test_webhooks_add_refuses_a_private_url_unless_allowed(app, device):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    location_id = str(device.location_id)
    result = run(app, "webhooks", "add", "--location", location_id, "http://10.0.0.1/x")
    assert result.exit_code != 0 and "private" in result.output
    assert db.session.scalars(select(Webhook)).all() == []


def test_webhooks_test_then_outbox_work_once_delivers_it(app, device, receiver, webhook):
    queued = run(app, "webhooks", "test", str(webhook.id))
    assert queued.exit_code == 0, queued.output
    worked = run(app, "outbox", "work", "--once")
    assert worked.exit_code == 0 and "1 message(s) attempted" in worked.output
    (request,) = receiver.log
    assert request.verified and request.json()["type"] == "webhook.test"


def test_a_dead_message_is_listed_and_can_be_retried(app, device, demo, receiver, webhook):
    receiver.status = 410
    sad_tap(device, demo)
    run(app, "outbox", "work", "--once")
    listed = run(app, "outbox", "list", "--status", "dead")
    assert "HTTP 410" in listed.output and "alert.raised" in listed.output
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage)).one()
    webhook.active = True
    db.session.commit()
    receiver.status = 200
    assert run(app, "outbox", "retry", str(message.id)).exit_code == 0
    run(app, "outbox", "work", "--once")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.DELIVERED
    assert run(app, "outbox", "retry", str(message.id)).exit_code != 0


def test_webhooks_remove_stops_the_calls(app, device, demo, receiver, webhook):
    assert run(app, "webhooks", "remove", str(webhook.id)).exit_code == 0
    sad_tap(device, demo)
    assert db.session.scalars(select(OutboxMessage)).all() == []
