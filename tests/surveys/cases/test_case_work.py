"""Case work without HTTP: notes on the timeline, several remedies in the location's
currency, the apology's text per language, sent once, and the coupon's language."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from surveys.cases.actions import act_on_case
from surveys.cases.coupons import coupon_language
from surveys.cases.remedies import case_remedies, remedy_totals
from surveys.db import db
from surveys.errors import CaseChanged, InvalidTransition, NotAllowed, SubmissionInvalid
from surveys.models import AuditEvent, EventKind, OutboxMessage, Remedy
from surveys.notify.apology import AlreadySent, draft_for, send_case_apology
from surveys.notify.apology_texts import apology_text, save_apology_texts
from surveys.notify.outbox import deliver_next
from surveys.people.audit import Actor
from surveys.places.money import clean_currency, format_money, parse_amount
from tests.case_factories import make_alert
from tests.surveys.notify.smtp import start_smtp


def resolved(people, **details):
    alert = make_alert(people.shop, **details)
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    act_on_case(alert, people.manager, "resolve", {"remedy": "refund", "amount": "4.50"}, None)
    return alert


def test_a_note_goes_on_the_timeline_with_who_and_is_audited(people):
    alert = make_alert(people.shop)
    message = act_on_case(alert, people.manager, "note", {"note": "  Called, no answer. "}, "::1")
    db.session.commit()
    assert message == "The note is on the timeline."
    event = alert.events[-1]
    assert (event.kind, event.note, event.actor) == (
        EventKind.NOTE_ADDED,
        "Called, no answer.",
        people.manager,
    )
    assert alert.status.value == "new"  # a note changes nothing else
    audit = db.session.scalars(select(AuditEvent)).one()
    assert audit.action == "case.note" and "Called" not in str(audit.details)


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "Please write the note first."),
        ("   ", "Please write the note first."),
        ("x" * 2001, "Please keep it under 2000 characters."),
        ("bad\x00byte", "The text contains characters that are not allowed."),
    ],
)
def test_an_empty_or_oversized_note_is_refused_and_nothing_is_kept(people, note, message):
    alert = make_alert(people.shop)
    with pytest.raises(SubmissionInvalid) as refused:
        act_on_case(alert, people.manager, "note", {"note": note}, None)
    assert refused.value.errors == {"note": message}
    db.session.rollback()
    assert alert.events == []


def test_a_note_is_refused_in_the_readers_language(people):
    alert = make_alert(people.shop)
    with force_locale("hy"), pytest.raises(SubmissionInvalid) as refused:
        act_on_case(alert, people.manager, "note", {"note": ""}, None)
    assert refused.value.errors["note"] != "Please write the note first."


def test_staff_may_not_write_notes(people):
    with pytest.raises(NotAllowed):
        act_on_case(make_alert(people.shop), people.staff, "note", {"note": "Hi"}, None)


def test_a_case_holds_several_remedies_and_their_sum(people):
    alert = resolved(people)
    act_on_case(alert, people.manager, "add_remedy", {"remedy": "replacement"}, None)
    act_on_case(alert, people.manager, "add_remedy", {"remedy": "coupon", "amount": "5,25"}, None)
    db.session.commit()
    lines = case_remedies(alert)
    assert [(line.kind, line.amount_minor, line.currency) for line in lines] == [
        (Remedy.REFUND, 450, "EUR"),
        (Remedy.REPLACEMENT, None, "EUR"),
        (Remedy.COUPON, 525, "EUR"),
    ]
    assert remedy_totals(lines) == {"EUR": 975}
    assert alert.status.value == "resolved" and alert.coupons[-1].value_cents == 525
    assert [event.kind for event in alert.events][-3:] == [
        EventKind.REMEDY_ADDED,
        EventKind.REMEDY_ADDED,
        EventKind.COUPON_ISSUED,
    ]


def test_a_closed_case_takes_no_more_remedies(people):
    alert = resolved(people)
    act_on_case(alert, people.manager, "close", {"outcome": "won_back"}, None)
    with pytest.raises(InvalidTransition):
        act_on_case(alert, people.manager, "add_remedy", {"remedy": "apology"}, None)
    assert len(case_remedies(alert)) == 1


def test_amounts_follow_the_currencys_minor_units(people):
    errors: dict[str, str] = {}
    assert parse_amount("12.50", "EUR", "amount", errors) == 1250
    assert parse_amount("1500", "JPY", "amount", errors) == 1500
    assert parse_amount("1.250", "KWD", "amount", errors) == 1250
    assert errors == {}
    assert parse_amount("12.5", "JPY", "amount", errors) is None and "amount" in errors


def test_amounts_are_written_as_the_reader_writes_them(people):
    assert format_money(1250, "EUR", locale="en") == "€12.50"
    assert format_money(1250, "EUR", locale="sq") == "12,50\xa0€"
    assert format_money(1500, "JPY", locale="en") == "¥1,500"
    assert format_money(500000, "AMD", locale="hy") == "5\xa0000,00\xa0֏"


def test_a_location_counts_in_its_own_currency(people):
    errors: dict[str, str] = {}
    assert clean_currency("amd", errors) == "AMD" and errors == {}
    assert clean_currency("XYZ1", errors) is None and "currency" in errors
    people.shop.currency = "AMD"
    alert = make_alert(people.shop)
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    act_on_case(alert, people.manager, "resolve", {"remedy": "coupon", "amount": "2000"}, None)
    assert (alert.remedies[0].currency, alert.coupons[0].currency) == ("AMD", "AMD")
    assert alert.events[-2].data["currency"] == "AMD"


def test_the_apology_draft_is_the_locations_text_in_the_customers_language(people):
    people.shop.languages = ["en", "hy"]
    alert = make_alert(people.shop, email="ani@example.org", language="hy")
    default = draft_for(alert)
    assert people.shop.name in default and "Thank you" not in default  # Armenian
    actor = Actor(people.manager)
    save_apology_texts(people.shop, {"text-hy": "Ներողություն", "text-en": ""}, actor)
    db.session.commit()
    assert draft_for(alert) == "Ներողություն"
    assert apology_text(people.shop, "en").startswith("Thank you for telling us")
    save_apology_texts(people.shop, {"text-hy": ""}, actor)  # emptied: the default again
    assert draft_for(alert) == default
    with pytest.raises(SubmissionInvalid) as refused:
        save_apology_texts(people.shop, {"text-hy": "x" * 2001}, actor)
    assert "text-hy" in refused.value.errors


def test_the_apology_is_sent_once_then_only_when_asked_again(people):
    alert = resolved(people, email="ani@example.org")
    form = {"text": "We are sorry.", "sent_before": "0"}
    send_case_apology(alert, people.manager, form, None)
    db.session.commit()
    with pytest.raises(AlreadySent):  # a double click, or a second tab showing "0"
        send_case_apology(alert, people.manager, form, None)
    db.session.rollback()
    with pytest.raises(SubmissionInvalid) as unconfirmed:
        send_case_apology(alert, people.manager, {"text": "Again", "sent_before": "1"}, None)
    assert "again" in unconfirmed.value.errors
    again = {"text": "Again", "sent_before": "1", "again": "yes"}
    send_case_apology(alert, people.manager, again, None)
    db.session.commit()
    sent = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.payload["facts"]["text"] for m in sent if m.destination == "ani@example.org"] == [
        "We are sorry.",
        "Again",
    ]
    assert alert.apologies_sent == 2


def test_no_apology_after_closing(people):
    alert = resolved(people, email="ani@example.org")
    act_on_case(alert, people.manager, "close", {"outcome": "lost"}, None)
    with pytest.raises(InvalidTransition) as refused:
        send_case_apology(alert, people.manager, {"text": "Sorry", "sent_before": "0"}, None)
    assert refused.value.status == 409 and "closed" in refused.value.errors["status"]


def test_an_empty_apology_text_is_refused(people):
    alert = resolved(people, email="ani@example.org")
    with pytest.raises(SubmissionInvalid) as refused:
        send_case_apology(alert, people.manager, {"text": "  ", "sent_before": "0"}, None)
    assert refused.value.errors == {"text": "Please write the e-mail's text."}


def test_a_stale_count_in_another_session_is_refused(people, app):
    """Two requests that both read the case before either wrote: the second flush is stale."""
    alert = resolved(people, email="ani@example.org")
    db.session.commit()
    alert_id = alert.id
    db.session.execute(
        db.text("UPDATE alert SET version = version + 1 WHERE id = :id"), {"id": alert_id}
    )  # as if another request had counted an apology after this one read the case
    with pytest.raises(CaseChanged):
        send_case_apology(alert, people.manager, {"text": "Hi", "sent_before": "0"}, None)


def test_the_edited_apology_and_the_coupon_reach_the_customer_in_their_language(people, app):
    controller, mailbox, url = start_smtp()
    app.config["SMTP_URL"] = url
    try:
        people.shop.languages = ["en", "sq"]
        alert = make_alert(people.shop, email="ani@example.org", language="sq")
        act_on_case(alert, people.manager, "acknowledge", {}, None)
        act_on_case(alert, people.manager, "resolve", {"remedy": "coupon", "amount": "5"}, None)
        db.session.query(OutboxMessage).delete()  # the managers' alert e-mail is not the test
        send_case_apology(alert, people.manager, {"text": "Na vjen keq.", "sent_before": "0"}, None)
        db.session.commit()
        assert deliver_next()
        (mail,) = mailbox.messages
        body = mail.get_payload(decode=True).decode()
        assert "Na vjen keq." in body and alert.coupons[0].code in body
        assert "5,00\xa0€" in body and mail["Content-Language"] == "sq"
    finally:
        controller.stop()


def test_the_coupon_speaks_the_customers_language(people):
    alert = resolved(people)
    alert.response.language = "fa"
    act_on_case(alert, people.manager, "add_remedy", {"remedy": "coupon", "amount": "3"}, None)
    assert coupon_language(alert.coupons[0]) == "fa"
