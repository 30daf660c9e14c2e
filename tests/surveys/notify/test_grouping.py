"""No floods: many escalations or surges reach each person as one e-mail per window that
lists every case, delivered to a real SMTP server."""

from datetime import timedelta

from sqlalchemy import select

from surveys.cases.escalation import escalate_overdue_alerts
from surveys.db import db
from surveys.models import Location, OutboxMessage, OutboxStatus, Role, Surge, utcnow
from surveys.notify.events import notify_surge
from surveys.notify.outbox import deliver_next
from surveys.places.locations import create_location
from tests.case_factories import make_alert
from tests.surveys.notify.conftest import add_manager


def deliver_all(now=None) -> None:
    while deliver_next(now):
        pass


def overdue_alerts(location: Location, count: int, minutes_ago: int = 20) -> list:
    alerts = [make_alert(location) for _ in range(count)]
    for alert in alerts:
        alert.created_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()
    return alerts


def text(mail) -> str:
    return mail.get_payload(decode=True).decode().replace("\r\n", "\n")


def escalation_mails(smtp) -> list:
    return [m for m in smtp.messages if m["Subject"].startswith("Nobody has taken")]


def test_200_escalations_make_one_mail_per_owner_listing_every_case(app, device, demo, smtp):
    shop = db.session.get(Location, demo.location_id)
    add_manager("second-owner@shop.example", role=Role.OWNER)
    shop.escalate_after_minutes = 5
    alerts = overdue_alerts(shop, 200)
    deliver_all()
    smtp.messages.clear()  # the raised alerts' own mails
    assert len(escalate_overdue_alerts()) == 200
    db.session.commit()
    deliver_all()
    mails = escalation_mails(smtp)
    assert sorted(m["To"] for m in mails) == sorted([demo.owner_email, "second-owner@shop.example"])
    for mail in mails:
        assert mail["Subject"] == "Nobody has taken these alerts: 200"
        body = text(mail)
        for alert in alerts:
            assert f"http://localhost/admin/alerts/{alert.id}\n" in body


def test_escalations_within_the_window_wait_and_come_together(app, device, demo, smtp):
    shop = db.session.get(Location, demo.location_id)
    shop.escalate_after_minutes = 5
    first = overdue_alerts(shop, 3)
    escalate_overdue_alerts()
    db.session.commit()
    deliver_all()
    assert len(escalation_mails(smtp)) == 1
    later_ones = overdue_alerts(shop, 2)
    escalate_overdue_alerts()
    db.session.commit()
    more = overdue_alerts(shop, 4)
    escalate_overdue_alerts()
    db.session.commit()
    deliver_all()
    assert len(escalation_mails(smtp)) == 1, "a second mail within the window"
    held = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    assert [len(m.payload["facts"]["cases"]) for m in held] == [6]
    db.session.rollback()
    deliver_all(utcnow() + timedelta(minutes=11))
    mails = escalation_mails(smtp)
    assert len(mails) == 2
    assert mails[1]["Subject"] == "Nobody has taken these alerts: 6"
    for alert in later_ones + more:
        assert f"/admin/alerts/{alert.id}\n" in text(mails[1])
    for alert in first:
        assert f"/admin/alerts/{alert.id}\n" not in text(mails[1])


def test_surges_at_several_shops_make_one_mail_per_person(app, device, demo, smtp):
    shop = db.session.get(Location, demo.location_id)
    other = create_location("Other shop", "UTC", ["en"], "en")
    manager = add_manager("manager@shop.example", shop, other)
    for location in (shop, other):
        surge = Surge(
            location_id=location.id,
            raised_at=utcnow(),
            window_minutes=15,
            responses=10,
            negatives=8,
        )
        db.session.add(surge)
        db.session.flush()
        notify_surge(surge, location)
    db.session.commit()
    deliver_all()
    by_person = {m["To"]: m for m in smtp.messages}
    assert sorted(by_person) == sorted([demo.owner_email, manager.email])
    assert len(smtp.messages) == 2
    body = text(by_person[manager.email])
    assert by_person[manager.email]["Subject"] == "Many negative answers: 2"
    assert "Demo shop: 8 of 10 answers in the last 15 minutes were negative (80%)." in body
    assert "Other shop: 8 of 10 answers" in body
