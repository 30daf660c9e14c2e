"""Webhooks and API keys in the admin: a manager adds them with the command line's checks,
sees a secret once, tests a webhook against a real receiver, and revokes a key that then
stops working; another shop's manager reaches none of it."""

import re

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.models import ApiKey, AuditEvent, Webhook
from surveys.notify.worker import deliver_due
from tests.case_factories import csrf_headers, sign_in
from tests.surveys.notify.receiver import Receiver

SECRET = re.compile(r"<code>(whsec_[A-Za-z0-9+/=_-]+)</code>")
KEY = re.compile(r"<code>(cpk_[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def receiver(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receiver listens on loopback
    server = Receiver().start()
    yield server
    server.stop()


def post(client, url, data=None):
    return client.post(url, data=data or {}, headers=csrf_headers(client))


def test_a_manager_adds_and_tests_a_webhook_and_sees_its_secret_once(app, client, cast, receiver):
    sign_in(client, cast.manager)
    page = f"/admin/locations/{cast.shop_id}/integrations"
    added = post(
        client,
        f"/admin/locations/{cast.shop_id}/webhooks",
        {"url": receiver.url, "preset": "generic"},
    )
    assert added.status_code == 201
    secret = SECRET.search(added.get_data(as_text=True)).group(1)
    listing = client.get(page).get_data(as_text=True)
    assert receiver.url in listing and secret not in listing
    with app.app_context():
        webhook_id = db.session.scalars(select(Webhook.id)).one()
    assert post(client, f"/admin/webhooks/{webhook_id}/test").status_code == 200
    receiver.secret = secret
    deliver_due(app)
    [call] = receiver.wait_for(1)
    assert call.verified and call.json()["type"] == "webhook.test"
    assert post(client, f"/admin/webhooks/{webhook_id}/remove").status_code == 200
    with app.app_context():
        assert not db.session.get(Webhook, webhook_id).active
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"webhook.added", "webhook.tested", "webhook.removed"} <= actions


def test_a_private_address_is_refused_as_on_the_command_line(app, client, cast):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    sign_in(client, cast.manager)
    refused = post(
        client,
        f"/admin/locations/{cast.shop_id}/webhooks",
        {"url": "http://127.0.0.1:9/x", "preset": "generic"},
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.get_data(as_text=True)
    bad_preset = post(
        client,
        f"/admin/locations/{cast.shop_id}/webhooks",
        {"url": "https://example.com/h", "preset": "<x>"},
    )
    assert bad_preset.status_code == 422
    assert "Choose generic, slack or teams." in bad_preset.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Webhook)).all() == []


def test_a_read_key_works_until_it_is_revoked(app, client, cast):
    sign_in(client, cast.manager)
    made = post(
        client,
        f"/admin/locations/{cast.shop_id}/api-keys",
        {"name": "Reporting", "scopes": ["read"]},
    )
    assert made.status_code == 201
    key = KEY.search(made.get_data(as_text=True)).group(1)
    assert key not in client.get(f"/admin/locations/{cast.shop_id}/integrations").get_data(
        as_text=True
    )
    tool = app.test_client()
    bearer = {"Authorization": f"Bearer {key}"}
    assert tool.get("/api/v1/responses", headers=bearer).status_code == 200
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id)).one()
    assert post(client, f"/admin/api-keys/{key_id}/revoke").status_code == 200
    assert tool.get("/api/v1/responses", headers=bearer).status_code == 401


def test_a_key_needs_a_name_and_a_known_scope(app, client, cast):
    sign_in(client, cast.manager)
    url = f"/admin/locations/{cast.shop_id}/api-keys"
    assert "needs a name" in post(client, url, {"name": " ", "scopes": ["read"]}).get_data(
        as_text=True
    )
    unknown = post(client, url, {"name": "Till", "scopes": ["admin"]})
    assert unknown.status_code == 422 and "The scope must be one of" in unknown.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalars(select(ApiKey)).all() == []


def test_another_shops_manager_reaches_none_of_it(app, client, cast, receiver):
    sign_in(client, cast.manager)
    post(
        client,
        f"/admin/locations/{cast.shop_id}/webhooks",
        {"url": receiver.url, "preset": "slack"},
    )
    post(
        client,
        f"/admin/locations/{cast.shop_id}/api-keys",
        {"name": "Till 1", "scopes": ["receipts"]},
    )
    with app.app_context():
        webhook_id = db.session.scalars(select(Webhook.id)).one()
        key_id = db.session.scalars(select(ApiKey.id)).one()
    other = app.test_client()
    sign_in(other, cast.other_manager)
    assert other.get(f"/admin/locations/{cast.shop_id}/integrations").status_code == 404
    assert post(other, f"/admin/webhooks/{webhook_id}/remove").status_code == 404
    assert post(other, f"/admin/api-keys/{key_id}/revoke").status_code == 404
    staff = app.test_client()
    sign_in(staff, cast.staff)
    assert staff.get(f"/admin/locations/{cast.shop_id}/integrations").status_code == 403
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).active
        assert db.session.get(ApiKey, key_id).is_active
