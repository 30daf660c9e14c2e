"""Commands: `flask --app wsgi outbox work|list|retry` and `webhooks add|list|remove|test`."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, OutboxMessage, OutboxStatus, Webhook, WebhookPreset, utcnow
from surveys.notify.targets import add_webhook, deactivate_webhook, send_test_event, webhooks_of
from surveys.notify.worker import drain, work

outbox = AppGroup("outbox", help="Deliver and inspect queued e-mails and webhook calls.")


def _check_lease(config) -> None:
    """A lease shorter than a delivery could let a second worker start the same message."""
    longest = max(config["WEBHOOK_TIMEOUT_SECONDS"], config["SMTP_TIMEOUT_SECONDS"])
    if config["OUTBOX_LEASE_SECONDS"] < 2 * longest + 1:
        raise click.UsageError("OUTBOX_LEASE_SECONDS must exceed twice the delivery timeouts")


@outbox.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--threads", default=2, show_default=True, help="Deliveries side by side.")
def outbox_work(once: bool, threads: int):
    """Deliver queued messages with retries, and run escalation and surge checks."""
    app = current_app._get_current_object()
    _check_lease(app.config)
    if once:
        click.echo(f"{drain(app)} message(s) attempted.")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Outbox worker running with {threads} thread(s); Ctrl-C stops it.")
    work(app, stop, threads=max(threads, 1))


@outbox.command("list")
@click.option("--status", type=click.Choice([s.value for s in OutboxStatus]))
@click.option("--limit", default=50, show_default=True)
def outbox_list(status: str | None, limit: int):
    """The newest messages, with their state and last error."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        statement = statement.where(OutboxMessage.status == status)
    for message in db.session.scalars(statement):
        click.echo(
            f"{message.id}\t{message.message_id}\t{message.kind}\t{message.status}\t"
            f"attempts={message.attempts}\t{message.payload['event']}\t{message.last_error or ''}"
        )


@outbox.command("retry")
@click.argument("message_id", type=int)
def outbox_retry(message_id: int):
    """Queue a dead message again, from its first attempt."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.DEAD:
        raise click.UsageError(f"No dead message {message_id}")
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
    db.session.commit()
    click.echo(f"Message {message_id} queued again.")


webhooks = AppGroup("webhooks", help="Manage the webhooks a location's events are sent to.")


@webhooks.command("add")
@click.option("--location", "location_id", type=int, required=True)
@click.option("--preset", type=click.Choice([p.value for p in WebhookPreset]), default="generic")
@click.argument("url")
def webhooks_add(location_id: int, preset: str, url: str):
    """Add a webhook and print its signing secret, which is shown only this once."""
    location = db.session.get(Location, location_id)
    if location is None:
        raise click.UsageError(f"No location {location_id}")
    try:
        webhook, secret = add_webhook(location, url, preset)
    except SubmissionInvalid as invalid:
        raise click.UsageError("; ".join(invalid.errors.values())) from None
    db.session.commit()
    click.echo(f"Webhook {webhook.id} for {location.name}: {webhook.url} ({webhook.preset})")
    click.echo(f"Signing secret (shown once, keep it with the receiver): {secret}")


@webhooks.command("list")
@click.option("--location", "location_id", type=int)
def webhooks_list(location_id: int | None):
    """The webhooks, without their secrets."""
    for webhook in webhooks_of(location_id):
        state = "active" if webhook.active else f"off ({webhook.deactivated_reason})"
        where = f"location {webhook.location_id}"
        click.echo(f"{webhook.id}\t{where}\t{webhook.preset}\t{state}\t{webhook.url}")


@webhooks.command("remove")
@click.argument("webhook_id", type=int)
def webhooks_remove(webhook_id: int):
    """Stop calling a webhook."""
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        raise click.UsageError(f"No webhook {webhook_id}")
    deactivate_webhook(webhook, "removed from the command line")
    db.session.commit()
    click.echo(f"Webhook {webhook_id} removed.")


@webhooks.command("test")
@click.argument("webhook_id", type=int)
def webhooks_test(webhook_id: int):
    """Queue a test event for a webhook; the worker delivers it."""
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or not webhook.active:
        raise click.UsageError(f"No active webhook {webhook_id}")
    message = send_test_event(webhook)
    db.session.commit()
    click.echo(f"Test event {message.message_id} queued.")
