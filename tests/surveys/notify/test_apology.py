"""The apology e-mail service a case page will call: to a consenting customer only, in
their language, written to the audit trail, delivered through the outbox."""

import uuid

import pytest
from flask import current_app
from sqlalchemy import select

from surveys.capture.responses import Tap, record_follow_up, record_tap
from surveys.db import db
from surveys.errors import NotAllowed, SubmissionInvalid
from surveys.models import AuditEvent, MessageKind, OutboxMessage, User, utcnow
from surveys.notify.apology import send_apology_email
from surveys.notify.outbox import deliver_next
from surveys.places.locations import create_location
from tests.surveys.notify.conftest import add_manager


def unhappy_visit(device, demo, *, email: str | None, language: str = "hy"):
    """A sad tap in `language` and a follow-up that leaves a name and maybe an e-mail; the
    managers' alert e-mail is left out (mail is off meanwhile), so only the apology is sent."""
    smtp_url = current_app.config.pop("SMTP_URL")
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "1", language)
    response = record_tap(device, tap)
    db.session.commit()
    contact = f"q{demo.question_ids['contact']}"
    form = {f"{contact}-name": ["Ani"], f"{contact}-phone": ["+374 10 123456"]}
    form[f"{contact}-consent"] = ["yes"]
    if email:
        form[f"{contact}-email"] = [email]
    record_follow_up(device, response.uuid, form)
    db.session.commit()
    current_app.config["SMTP_URL"] = smtp_url
    assert db.session.scalars(select(OutboxMessage)).all() == []
    return response.alert


@pytest.fixture
def owner(device, demo):
    return db.session.scalar(select(User).where(User.email == demo.owner_email))


def test_the_apology_reaches_the_customer_in_their_language(device, demo, smtp, owner):
    alert = unhappy_visit(device, demo, email="ani@example.org")
    message = send_apology_email(alert, owner, "SORRY-42", "10 %", client_address="10.0.0.7")
    db.session.commit()
    assert message.kind == MessageKind.EMAIL and message.alert_id == alert.id
    assert message.payload["language"] == "hy"
    assert deliver_next()
    (mail,) = smtp.messages
    assert mail["To"] == "ani@example.org"
    assert mail["Content-Language"] == "hy"
    assert mail["Reply-To"] == demo.owner_email and mail["Auto-Submitted"] is None
    assert "Demo shop" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "SORRY-42" in body and "10 %" in body and "Ani" in body
    assert smtp.envelopes[0][1] == ["ani@example.org"]


def test_the_apology_is_audited_without_personal_data(device, demo, smtp, owner):
    alert = unhappy_visit(device, demo, email="ani@example.org")
    message = send_apology_email(alert, owner, client_address="10.0.0.7")
    db.session.commit()
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "alert.apology_emailed"
    assert (event.actor_id, event.location_id, event.client_address) == (
        owner.id,
        alert.location_id,
        "10.0.0.7",
    )
    assert event.details == {
        "alert_id": alert.id,
        "outbox_message_id": message.message_id,
        "with_coupon": False,
        "again": False,
    }


def test_without_a_coupon_the_letter_has_no_coupon_line(device, demo, smtp, owner):
    alert = unhappy_visit(device, demo, email="ani@example.org", language="en")
    send_apology_email(alert, owner)
    db.session.commit()
    deliver_next()
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert body.startswith("Dear Ani,") and "coupon" not in body
    assert smtp.messages[0]["Subject"] == "We are sorry about your visit to Demo shop"


def test_no_email_no_apology(device, demo, smtp, owner):
    alert = unhappy_visit(device, demo, email=None)
    with pytest.raises(SubmissionInvalid) as refused:
        send_apology_email(alert, owner)
    assert "e-mail" in refused.value.errors["email"]
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_walk_away_without_contact_gets_no_apology(device, demo, smtp, owner):
    tap = Tap(str(uuid.uuid4()), str(demo.question_ids["rating"]), "1", "en", utcnow().isoformat())
    alert = record_tap(device, tap).alert
    db.session.commit()
    with pytest.raises(SubmissionInvalid):
        send_apology_email(alert, owner)


def test_a_manager_of_another_location_may_not_send_it(device, demo, smtp):
    alert = unhappy_visit(device, demo, email="ani@example.org")
    stranger = add_manager("stranger@shop.example", create_location("B", "UTC", ["en"], "en"))
    with pytest.raises(NotAllowed):
        send_apology_email(alert, stranger)
