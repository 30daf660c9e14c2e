"""A location's webhooks and API keys as its managers handle them in the admin: the same
services and checks as `flask --app wsgi webhooks …` and `api-keys …`, each step audited."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from surveys.channels.tills import create_api_key, revoke_api_key
from surveys.db import db
from surveys.models import ApiKey, Location, OutboxMessage, Webhook
from surveys.notify.targets import add_webhook, deactivate_webhook, send_test_event, webhooks_of
from surveys.people.audit import Actor


@dataclass
class Integrations:
    """What the page lists: the location's webhooks and keys, newest last."""

    webhooks: list[Webhook]
    api_keys: list[ApiKey]


def integrations_of(location: Location) -> Integrations:
    """The location's webhooks (active and stopped) and API keys (active and revoked)."""
    keys = select(ApiKey).where(ApiKey.location_id == location.id).order_by(ApiKey.id)
    return Integrations(webhooks_of(location.id), list(db.session.scalars(keys)))


def add_location_webhook(location: Location, url: str, preset: str, actor: Actor) -> str:
    """Add a webhook; its signing secret, shown this once."""
    webhook, secret = add_webhook(location, url, preset)
    db.session.flush()
    actor.record("webhook.added", location_id=location.id, webhook_id=webhook.id)
    return secret


def remove_location_webhook(webhook: Webhook, actor: Actor) -> None:
    """Stop calling the webhook."""
    deactivate_webhook(webhook, "removed in the admin")
    actor.record("webhook.removed", location_id=webhook.location_id, webhook_id=webhook.id)


def send_location_webhook_test(webhook: Webhook, actor: Actor) -> OutboxMessage:
    """Queue a test event for an active webhook; the outbox delivers it."""
    message = send_test_event(webhook)
    actor.record("webhook.tested", location_id=webhook.location_id, webhook_id=webhook.id)
    return message


def add_location_api_key(
    location: Location, name: str, scopes: Sequence[str], actor: Actor
) -> tuple[ApiKey, str]:
    """A new API key for the location and the key itself, shown this once."""
    api_key, key = create_api_key(location, name, scopes)
    db.session.flush()
    actor.record("api_key.created", location_id=location.id, api_key_id=api_key.id)
    return api_key, key


def revoke_location_api_key(api_key: ApiKey, actor: Actor) -> None:
    """Stop the key from working, at once."""
    revoke_api_key(api_key)
    actor.record("api_key.revoked", location_id=api_key.location_id, api_key_id=api_key.id)
