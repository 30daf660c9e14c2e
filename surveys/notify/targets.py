"""Adding and removing a location's webhooks; the URL is checked before it is saved."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, Webhook, WebhookPreset, utcnow
from surveys.notify.addresses import UnsafeDestination, resolve_destination
from surveys.notify.outbox import enqueue_webhook
from surveys.notify.webhooks import new_secret


def add_webhook(location: Location, url: str, preset: str) -> tuple[Webhook, str]:
    """A new active webhook and its secret, which is shown to the user this once."""
    errors = {}
    url = url.strip()
    try:
        resolve_destination(url, allow_private=bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
    except UnsafeDestination as refused:
        errors["url"] = str(refused)
    if preset not in set(WebhookPreset):
        errors["preset"] = str(_l("Choose generic, slack or teams."))
    if errors:
        raise SubmissionInvalid(errors)
    secret = new_secret()
    webhook = Webhook(location=location, url=url, preset=WebhookPreset(preset), secret=secret)
    db.session.add(webhook)
    return webhook, secret


def deactivate_webhook(webhook: Webhook, reason: str) -> None:
    """Stop calling a webhook; messages already queued for it are given up at delivery."""
    webhook.active = False
    webhook.deactivated_reason = reason[:200]


def send_test_event(webhook: Webhook):
    """Queue a `webhook.test` call, to check a new webhook end to end."""
    facts = {"location_id": webhook.location_id, "location": webhook.location.name}
    facts["at"] = utcnow().isoformat(timespec="seconds") + "Z"
    return enqueue_webhook(webhook, "webhook.test", facts, webhook.location.default_language)


def webhooks_of(location_id: int | None = None) -> list[Webhook]:
    """Webhooks, of one location or all, oldest first."""
    statement = select(Webhook).order_by(Webhook.id)
    if location_id is not None:
        statement = statement.where(Webhook.location_id == location_id)
    return list(db.session.scalars(statement))
