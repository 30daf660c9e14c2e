"""Web Push in the admin: a manager's browser subscribes from the account page, the app is
installable (manifest, icons, service worker), and the notification's "I'm on it" acknowledges
the case for the one user and alert its token was made for."""

import json

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, AlertStatus, PushSubscription, User
from surveys.notify.push import ack_token
from tests.case_factories import csrf_headers, sign_in
from tests.surveys.notify.push_service import Device

ENDPOINT = "http://127.0.0.1:9/push/send/abc"  # resolved without DNS; allowed below


@pytest.fixture(autouse=True)
def push_service_on_loopback(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True


def subscribe(client, body):
    headers = csrf_headers(client, "/admin/account") | {"Content-Type": "application/json"}
    return client.post("/admin/account/push-subscriptions", data=json.dumps(body), headers=headers)


def user_id(app, email):
    with app.app_context():
        return db.session.scalars(select(User.id).filter_by(email=email)).one()


def test_a_manager_turns_on_notifications_and_sees_the_device(app, client, cast):
    sign_in(client, cast.manager)
    page = client.get("/admin/account").get_data(as_text=True)
    assert 'id="push-enable"' in page and "data-vapid-key=" in page
    made = subscribe(client, Device().subscription(ENDPOINT, "Floor phone"))
    assert made.status_code == 201
    page = client.get("/admin/account").get_data(as_text=True)
    assert "Floor phone" in page and ENDPOINT not in page
    with app.app_context():
        subscription_id = db.session.scalars(select(PushSubscription.id)).one()
    removed = client.post(
        f"/admin/account/push-subscriptions/{subscription_id}/remove",
        headers=csrf_headers(client, "/admin/account"),
    )
    assert removed.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []


def test_a_broken_subscription_gets_a_clear_422(app, client, cast):
    sign_in(client, cast.manager)
    for body in ({"endpoint": ENDPOINT}, {"endpoint": 5, "keys": []}, ["x"], "plain text"):
        refused = subscribe(client, body)
        assert refused.status_code == 422, body
        assert refused.get_json()["errors"]
    huge = subscribe(client, {"endpoint": ENDPOINT, "pad": "x" * 20_000})
    assert huge.status_code == 413
    without_csrf = client.post(
        "/admin/account/push-subscriptions",
        data=json.dumps(Device().subscription(ENDPOINT)),
        headers={"Content-Type": "application/json"},
    )
    assert without_csrf.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []


def test_nobody_removes_another_persons_device(app, client, cast):
    sign_in(client, cast.manager)
    assert subscribe(client, Device().subscription(ENDPOINT)).status_code == 201
    with app.app_context():
        subscription_id = db.session.scalars(select(PushSubscription.id)).one()
    other = app.test_client()
    sign_in(other, cast.other_manager)
    refused = other.post(
        f"/admin/account/push-subscriptions/{subscription_id}/remove",
        headers=csrf_headers(other, "/admin/account"),
    )
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(PushSubscription, subscription_id) is not None


def test_im_on_it_acknowledges_once_for_the_user_it_was_made_for(app, client, cast, new_alert):
    alert_id = new_alert()
    manager_id = user_id(app, cast.manager)
    with app.test_request_context():
        token = ack_token(manager_id, alert_id)
        wrong_alert = ack_token(manager_id, alert_id + 1)
    other = app.test_client()
    sign_in(other, cast.other_manager)
    assert (
        other.post(
            f"/admin/alerts/{alert_id}/acknowledge-from-push", data={"token": token}
        ).status_code
        == 403
    )
    sign_in(client, cast.manager)
    url = f"/admin/alerts/{alert_id}/acknowledge-from-push"
    assert client.post(url, data={"token": "forged"}).status_code == 403
    assert client.post(url, data={"token": wrong_alert}).status_code == 403
    with app.app_context():
        assert db.session.get(Alert, alert_id).status == AlertStatus.NEW
    done = client.post(url, data={"token": token})  # no CSRF token: the service worker has none
    assert done.status_code == 200 and done.get_json()["status"] == "acknowledged"
    again = client.post(url, data={"token": token})
    assert again.status_code == 409
    with app.app_context():
        alert = db.session.get(Alert, alert_id)
        assert alert.status == AlertStatus.ACKNOWLEDGED and alert.assigned_to_id == manager_id


def test_a_signed_out_button_press_changes_nothing(app, client, cast, new_alert):
    alert_id = new_alert()
    with app.test_request_context():
        token = ack_token(user_id(app, cast.manager), alert_id)
    answer = client.post(f"/admin/alerts/{alert_id}/acknowledge-from-push", data={"token": token})
    assert answer.status_code in (302, 401)
    with app.app_context():
        assert db.session.get(Alert, alert_id).status == AlertStatus.NEW


def test_the_admin_is_installable(client):
    manifest = client.get("/admin/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["display"] == "standalone" and body["start_url"] == "/admin/"
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/admin/sw.js")
    assert worker.status_code == 200 and "showNotification" in worker.get_data(as_text=True)
    assert worker.headers["Content-Type"].startswith("text/javascript")
