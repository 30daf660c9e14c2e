"""Case actions reach the location's webhooks, and every message about a case links to it."""

import pytest

from surveys.cases.actions import act_on_case
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Role
from surveys.notify.outbox import deliver_next
from surveys.notify.targets import add_webhook
from tests.surveys.notify.conftest import add_manager, sad_tap


def deliver_all() -> int:
    count = 0
    while deliver_next():
        count += 1
    return count


def test_each_case_action_reaches_the_webhook_with_a_link_to_the_case(
    device, demo, receiver, webhook
):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    deliver_all()
    for action, form in [
        ("acknowledge", {}),
        ("resolve", {"remedy": "apology"}),
        ("reopen", {}),
        ("resolve", {"remedy": "apology"}),
        ("close", {"outcome": "won_back"}),
    ]:
        act_on_case(alert, owner, action, form, None)
        db.session.commit()
    act_on_case(alert, owner, "note", {"note": "called back"}, None)  # not a case event
    db.session.commit()
    deliver_all()
    bodies = [request.json() for request in receiver.log]
    assert [body["type"] for body in bodies] == [
        "alert.raised",
        "case.acknowledged",
        "case.resolved",
        "case.reopened",
        "case.resolved",
        "case.closed",
    ]
    assert all(request.verified for request in receiver.log)
    for body in bodies:
        assert body["data"]["alert_id"] == alert.id
        assert body["data"]["case_url"] == f"http://localhost/admin/alerts/{alert.id}"
    assert bodies[-1]["data"]["status"] == "closed"
    assert "owner@shop.example" not in str(bodies)


def test_a_slack_webhook_hears_the_case_event_with_the_case_link(device, demo, receiver):
    add_webhook(device.location, receiver.url, "slack")
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    act_on_case(alert, owner, "acknowledge", {}, None)
    db.session.commit()
    deliver_all()
    texts = [request.json()["text"] for request in receiver.log]
    assert texts[-1].startswith("*Demo shop: a case was acknowledged*")
    assert f"Open the case: http://localhost/admin/alerts/{alert.id}" in texts[0]
    assert f"Open the case: http://localhost/admin/alerts/{alert.id}" in texts[-1]


def test_a_refused_action_tells_no_webhook(device, demo, receiver, webhook):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    deliver_all()
    with pytest.raises(SubmissionInvalid):
        act_on_case(alert, owner, "close", {"outcome": "nonsense"}, None)
    db.session.rollback()
    deliver_all()
    assert [request.json()["type"] for request in receiver.log] == ["alert.raised"]
