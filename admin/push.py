"""Web Push in the admin: the installable app's manifest and service worker, the devices a
manager receives notifications on, and the notification's "I'm on it" button."""

import json
from pathlib import Path

from flask import current_app, jsonify, make_response, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.guards import actor, refuse
from admin.presentation import signed_in_user
from admin.rendering import see_other
from surveys.cases.actions import act_on_case, alert_for
from surveys.db import db
from surveys.errors import InvalidTransition, NotAllowed, NotVisible, SubmissionInvalid
from surveys.models import PushSubscription
from surveys.notify.push import ack_token_matches, subscribe, unsubscribe

SERVICE_WORKER_SOURCE = "js/admin-sw.js"
MAX_SUBSCRIPTION_BYTES = 8 * 1024


@bp.get("/manifest.webmanifest")
def manifest():
    """What makes the admin an installable app: its name, start page and icons."""
    body = {
        "name": _("Counterpulse alerts"),
        "short_name": "Counterpulse",
        "start_url": url_for("admin.alerts_list"),
        "scope": url_for("admin.alerts_list"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e8c",
        "icons": [
            {
                "src": url_for("static", filename=f"img/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.headers["Content-Type"] = "application/manifest+json"
    return response


@bp.get("/sw.js")
def admin_service_worker():
    """The admin's service worker: it shows pushed alerts and answers their buttons."""
    source = (Path(current_app.static_folder) / SERVICE_WORKER_SOURCE).read_text()
    response = make_response(source)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/account/push-subscriptions")
def push_subscriptions_create():
    """Keep this browser's push subscription (JSON from PushManager.subscribe)."""
    if (request.content_length or 0) > MAX_SUBSCRIPTION_BYTES:
        return jsonify(errors={"subscription": _("This browser sent no push subscription.")}), 413
    body = request.get_json(silent=True)
    try:
        subscription = subscribe(signed_in_user(), body, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return jsonify(errors=invalid.errors), 422
    db.session.commit()
    return jsonify(id=subscription.id, label=subscription.label), 201


@bp.post("/account/push-subscriptions/<int:subscription_id>/remove")
def push_subscription_remove(subscription_id: int):
    """Stop notifications to one of the user's devices."""
    subscription = db.session.get(PushSubscription, subscription_id)
    if subscription is None or subscription.user_id != signed_in_user().id:
        refuse(404)
    unsubscribe(subscription, actor())
    db.session.commit()
    return see_other(url_for("admin.account"))


@bp.post("/alerts/<int:alert_id>/acknowledge-from-push")
def alert_acknowledge_from_push(alert_id: int):
    """The notification's "I'm on it": the signed token it carries stands for the CSRF token,
    which a service worker does not have; it is bound to this user and this alert."""
    user = signed_in_user()
    token = request.form.get("token") or (request.get_json(silent=True) or {}).get("token", "")
    if not isinstance(token, str) or not ack_token_matches(token, user.id, alert_id):
        refuse(403)
    try:
        alert = alert_for(user, alert_id)
        act_on_case(alert, user, "acknowledge", {}, request.remote_addr)
    except NotVisible:
        refuse(404)
    except NotAllowed:
        refuse(403)
    except InvalidTransition as refused:
        db.session.rollback()
        return jsonify(errors=refused.errors), 409
    db.session.commit()
    return jsonify(status=alert.status.value)
