"""The retention purge: contact details go a location's retention period after the case."""

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from surveys.db import db
from surveys.models import (
    Answer,
    AuditEvent,
    Channel,
    Customer,
    OutboxStatus,
    Outcome,
    Remedy,
    Response,
    Survey,
    utcnow,
)
from surveys.notify.apology import send_apology_email
from surveys.notify.worker import drain
from surveys.privacy.retention import purge_expired_contacts
from tests.case_factories import make_alert


def days_ago(days: float):
    return utcnow() - timedelta(days=days)


def closed_case(people, closed_days_ago: float, **contact):
    """A case with the customer's contact, handled and closed that many days ago."""
    alert = make_alert(people.shop, words="Cold soup", captured_at=days_ago(200), **contact)
    alert.response.customer.consent_at = days_ago(200)
    alert.acknowledge(by=people.manager)
    alert.resolve(by=people.manager, remedy=Remedy.APOLOGY, note="Called them back.")
    alert.close(by=people.manager, outcome=Outcome.WON_BACK)
    alert.closed_at = days_ago(closed_days_ago)
    for event in alert.events:
        event.at = days_ago(closed_days_ago)
    db.session.commit()
    return alert


def contacts() -> int:
    return db.session.scalar(select(func.count()).select_from(Customer))


def test_contact_details_go_after_the_retention_period_not_before(people):
    expired = closed_case(people, 91, email="ani@example.com")
    kept = closed_case(people, 89, email="bob@example.com")
    counts = purge_expired_contacts()
    db.session.commit()
    assert counts.customers == 1 and contacts() == 1
    assert expired.response.customer is None
    assert kept.response.customer.email == "bob@example.com"


def test_the_rating_topics_and_words_stay_when_the_contact_goes(people):
    alert = closed_case(people, 120, email="ani@example.com")
    purge_expired_contacts()
    db.session.commit()
    response = db.session.get(Response, alert.response_id)
    assert response.rating == 1 and response.customer_id is None
    assert "Cold soup" in [answer.text for answer in response.answers]


def test_each_location_keeps_contacts_as_long_as_it_says(people):
    people.other_shop.contact_retention_days = 30
    here = closed_case(people, 45, email="ani@example.com")
    there = make_alert(people.other_shop, email="bob@example.com", captured_at=days_ago(50))
    there.response.customer.consent_at = there.created_at = days_ago(50)
    db.session.commit()
    assert purge_expired_contacts().customers == 1
    assert here.response.customer is not None and there.response.customer is None


def test_an_open_case_keeps_its_contact_while_it_is_being_worked_on(people):
    forgotten = make_alert(people.shop, email="ani@example.com", captured_at=days_ago(100))
    forgotten.response.customer.consent_at = forgotten.created_at = days_ago(100)
    worked_on = make_alert(people.shop, email="bob@example.com", captured_at=days_ago(100))
    worked_on.response.customer.consent_at = worked_on.created_at = days_ago(100)
    worked_on.acknowledge(by=people.manager)  # a timeline entry today
    db.session.commit()
    purge_expired_contacts()
    db.session.commit()
    assert forgotten.response.customer is None
    assert worked_on.response.customer.email == "bob@example.com"


def happy_customer(location, phone: str, given_days_ago: float) -> Response:
    """A top rating with a contact left: no case is ever opened for it."""
    survey = db.session.scalars(select(Survey)).first()
    response = Response(
        uuid=str(uuid.uuid4()),
        survey=survey,
        location_id=location.id,
        channel=Channel.KIOSK,
        language="en",
        captured_at=days_ago(given_days_ago),
        rating=5,
        answers=[Answer(question_id=survey.main_question.id, number=5)],
        customer=Customer(
            phone=phone, language="en", consent_at=days_ago(given_days_ago), consent_text="Yes."
        ),
    )
    db.session.add(response)
    db.session.commit()
    return response


def test_a_contact_without_a_case_goes_the_period_after_it_was_given(people):
    old = happy_customer(people.shop, "+374 10 123456", 91)
    recent = happy_customer(people.shop, "+374 10 654321", 10)
    assert purge_expired_contacts().customers == 1
    assert old.customer is None and recent.customer is not None


def test_the_purge_empties_the_apology_and_the_notes_that_name_the_customer(people):
    alert = make_alert(people.shop, email="ani@example.com", captured_at=days_ago(200))
    alert.response.customer.name = "Ani"
    alert.response.customer.consent_at = days_ago(200)
    alert.acknowledge(by=people.manager)
    message = send_apology_email(alert, by=people.manager, coupon_code="ABCD-EFGH")
    alert.resolve(by=people.manager, remedy=Remedy.OTHER, note="Rang Ani on ani@example.com.")
    alert.close(by=people.manager, outcome=Outcome.WON_BACK)
    alert.closed_at = days_ago(100)
    for event in alert.events:
        event.at = days_ago(100)
    db.session.commit()
    counts = purge_expired_contacts()
    db.session.commit()
    assert counts.outbox_messages == counts.outbox_cancelled == 1
    assert message.status == OutboxStatus.CANCELLED and message.destination == "erased"
    assert "ani" not in str(message.payload).lower() and "ABCD" not in str(message.payload)
    assert alert.remedy_note == "Rang [removed] on [removed]."
    assert all("ani" not in str(event.note).lower() for event in alert.events)


def test_a_second_purge_changes_nothing(people):
    closed_case(people, 200, email="ani@example.com")
    assert purge_expired_contacts().customers == 1
    db.session.commit()
    again = purge_expired_contacts()
    db.session.commit()
    assert set(again.as_dict().values()) == {0}
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purged"))
    assert [event.details["customers"] for event in audited] == [1]  # counts only, once


def test_the_outbox_worker_runs_the_purge(app, people):
    alert = closed_case(people, 100, email="ani@example.com")
    drain(app)
    db.session.expire_all()
    assert db.session.get(Response, alert.response_id).customer_id is None


def test_the_purge_command_prints_counts_only(app, people):
    closed_case(people, 100, email="ani@example.com")
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    assert "1\tcontact records removed" in result.output
    assert "ani" not in result.output.lower()
    again = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "0\tcontact records removed" in again.output


def test_the_answers_stay_countable(people):
    closed_case(people, 100, email="ani@example.com")
    before = db.session.scalar(select(func.count()).select_from(Answer))
    purge_expired_contacts()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == before


def test_a_long_backlog_is_purged_in_batches(app, people, monkeypatch):
    monkeypatch.setattr("surveys.privacy.retention.BATCH", 2)
    for n in range(5):
        closed_case(people, 100, email=f"customer{n}@example.com")
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "5\tcontact records removed" in result.output
    assert contacts() == 0
    batches = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purged"))
    assert [event.details["customers"] for event in batches] == [2, 2, 1]
