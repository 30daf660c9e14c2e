"""A location's webhooks and API keys: managers add, test, remove and revoke them here, with
the checks the command line has; a new secret or key is shown once, on the page that made it."""

from flask import request

from admin import bp
from admin.guards import actor, location_or_404, manager_required, scoped_or_404
from admin.rendering import render_page
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.labels import SCOPE_LABELS, WEBHOOK_PRESET_LABELS
from surveys.models import ApiKey, Location, Webhook
from surveys.places.integrations import (
    add_location_api_key,
    add_location_webhook,
    integrations_of,
    remove_location_webhook,
    revoke_location_api_key,
    send_location_webhook_test,
)

PAGE = "admin/integrations/page.html"
SECTION = "admin/integrations/_section.html"


def _section(location: Location, status: int = 200, **state):
    """Both lists with their forms; state may carry errors, typed values or a new secret."""
    state.setdefault("errors", {})
    state.setdefault("typed", {})
    return render_page(
        PAGE,
        SECTION,
        status,
        location=location,
        integrations=integrations_of(location),
        presets=WEBHOOK_PRESET_LABELS,
        scopes=SCOPE_LABELS,
        **state,
    )


@bp.get("/locations/<int:location_id>/integrations")
@manager_required
def integrations_page(location_id: int):
    """The location's webhooks and API keys."""
    return _section(location_or_404(location_id))


@bp.post("/locations/<int:location_id>/webhooks")
@manager_required
def webhooks_create(location_id: int):
    """Add a webhook and show its signing secret once."""
    location = location_or_404(location_id)
    url, preset = request.form.get("url", ""), request.form.get("preset", "")
    try:
        secret = add_location_webhook(location, url, preset, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(location, 422, errors=invalid.errors, typed={"url": url})
    db.session.commit()
    return _section(location, 201, new_secret=secret)


@bp.post("/webhooks/<int:webhook_id>/test")
@manager_required
def webhook_test(webhook_id: int):
    """Queue a test event for the webhook."""
    webhook = scoped_or_404(Webhook, webhook_id)
    if not webhook.active:
        return _section(webhook.location, 409, errors={"webhook": webhook.id})
    send_location_webhook_test(webhook, actor())
    db.session.commit()
    return _section(webhook.location, tested=webhook.id)


@bp.post("/webhooks/<int:webhook_id>/remove")
@manager_required
def webhook_remove(webhook_id: int):
    """Stop calling the webhook."""
    webhook = scoped_or_404(Webhook, webhook_id)
    remove_location_webhook(webhook, actor())
    db.session.commit()
    return _section(webhook.location)


@bp.post("/locations/<int:location_id>/api-keys")
@manager_required
def api_keys_create(location_id: int):
    """Create an API key and show it once."""
    location = location_or_404(location_id)
    name, scopes = request.form.get("name", ""), request.form.getlist("scopes")
    try:
        api_key, key = add_location_api_key(location, name, scopes, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(location, 422, errors=invalid.errors, typed={"name": name})
    db.session.commit()
    return _section(location, 201, new_key={"api_key": api_key, "key": key})


@bp.post("/api-keys/<int:api_key_id>/revoke")
@manager_required
def api_key_revoke(api_key_id: int):
    """Stop the key from working, at once."""
    api_key = scoped_or_404(ApiKey, api_key_id)
    revoke_location_api_key(api_key, actor())
    db.session.commit()
    return _section(api_key.location)
