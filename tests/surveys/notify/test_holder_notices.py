"""A case handed to someone tells them, and a follow-up falling due reminds its holder once:
by e-mail to a real SMTP server and by Web Push to a real push service on loopback."""

from datetime import timedelta

from surveys.cases.actions import act_on_case
from surveys.cases.follow_ups import remind_due_follow_ups
from surveys.db import db
from surveys.models import Role, utcnow
from surveys.notify.worker import deliver_due, run_checks
from tests.surveys.notify.conftest import add_manager, sad_tap
from tests.surveys.notify.test_push import subscribed


def test_the_colleague_a_case_is_handed_to_hears_of_it(app, device, demo, smtp, push_service):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    colleague = add_manager("colleague@shop.example", device.location)
    subscribed(colleague, push_service)
    db.session.commit()
    alert = sad_tap(device, demo, rating=2).alert
    deliver_due(app)
    smtp.messages.clear()
    push_service.deliveries.clear()
    act_on_case(alert, owner, "assign", {"assignee": str(colleague.id)}, None)
    db.session.commit()
    deliver_due(app)
    (mail,) = smtp.messages
    assert mail["To"] == "colleague@shop.example"
    assert mail["Subject"] == "Demo shop: a case was handed to you"
    assert f"Open the case: http://localhost/admin/alerts/{alert.id}" in mail.get_payload()
    [delivery] = push_service.wait_for(1)
    assert delivery.notification["title"] == "A case at Demo shop is now yours"
    assert delivery.notification["url"] == f"/admin/alerts/{alert.id}"


def test_taking_a_case_yourself_sends_you_nothing(app, device, demo, smtp):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    deliver_due(app)
    smtp.messages.clear()
    act_on_case(alert, owner, "assign", {"assignee": str(owner.id)}, None)
    db.session.commit()
    deliver_due(app)
    assert smtp.messages == []


def test_a_due_follow_up_reminds_its_holder_once(app, device, demo, smtp):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    holder = add_manager("holder@shop.example", device.location)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    act_on_case(alert, owner, "assign", {"assignee": str(holder.id)}, None)
    act_on_case(alert, holder, "acknowledge", {}, None)
    act_on_case(alert, holder, "resolve", {"remedy": "apology"}, None)
    alert.schedule_follow_up(utcnow() + timedelta(hours=1), by=holder)
    db.session.commit()
    deliver_due(app)
    smtp.messages.clear()
    assert remind_due_follow_ups() == []  # not due yet
    in_two_hours = utcnow() + timedelta(hours=2)
    assert remind_due_follow_ups(in_two_hours) == [alert]
    db.session.commit()
    assert remind_due_follow_ups(in_two_hours + timedelta(minutes=5)) == []
    db.session.commit()
    deliver_due(app)
    (mail,) = smtp.messages
    assert mail["To"] == "holder@shop.example"
    assert mail["Subject"] == "Demo shop: a follow-up is due"
    assert f"http://localhost/admin/alerts/{alert.id}" in mail.get_payload()


def test_the_periodic_run_sends_the_reminder(app, device, demo, smtp):
    owner = add_manager("owner@shop.example", device.location, role=Role.OWNER)
    db.session.commit()
    alert = sad_tap(device, demo).alert
    act_on_case(alert, owner, "acknowledge", {}, None)
    act_on_case(alert, owner, "resolve", {"remedy": "apology"}, None)
    alert.schedule_follow_up(utcnow() + timedelta(seconds=1), by=owner)
    alert.follow_up_at = utcnow() - timedelta(minutes=1)  # it fell due
    db.session.commit()
    assert "follow-ups" in run_checks(app, force=True)
    db.session.rollback()
    deliver_due(app)
    subjects = [mail["Subject"] for mail in smtp.messages]
    assert subjects.count("Demo shop: a follow-up is due") == 1
