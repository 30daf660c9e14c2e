"""Erasing a person on request: `flask --app wsgi privacy erase --email … | --phone …`.

Their contact rows go, the words of their responses go, the notes of their cases go, and
e-mails to them are emptied (unsent ones cancelled). Anywhere else their address, number or
name was written (another case's notes, words typed at another visit, a webhook payload, an
older audit row: every column in surveys/privacy/free_text.py) it is replaced by
"[removed]", in any case and however the number was spaced. Ratings, topics and times stay,
so every count and chart stays right; the responses are simply no longer anyone's, and the
dashboard's latest comments no longer list them (in the same transaction). After the
commit, surveys/privacy/storage.py clears the old copies out of the database files.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from surveys.capture.answers import EMAIL_PATTERN
from surveys.cases.customers import phone_digits
from surveys.db import db, sqlite_write_intent
from surveys.errors import SubmissionInvalid
from surveys.models import Alert, AlertEvent, AuditEvent, Customer, OutboxMessage, Response
from surveys.people.audit import record_audit, redacting_audit_details
from surveys.privacy.forgetting import (
    ERASED_DESTINATION,
    Counts,
    contact_statement,
    forget_contact,
    normalised_email,
    normalised_phone,
    redact,
    scrub_message,
)
from surveys.privacy.free_text import FREE_TEXT, OUTBOX_TEXT
from surveys.privacy.mentions import Term, person_terms, sql_mentions, text_patterns
from surveys.reporting.metrics.rollups import recounting

MIN_PHONE_DIGITS = 5
ID_BATCH = 500


@dataclass(frozen=True)
class Subject:
    """Whom to erase: one e-mail address or one phone number, normalised."""

    email: str | None = None
    phone: str | None = None

    @classmethod
    def parse(cls, email: str | None, phone: str | None) -> "Subject":
        """Exactly one valid address or number, else SubmissionInvalid saying what is wrong."""
        if (email is None) == (phone is None):
            raise SubmissionInvalid({"subject": _("Give either an e-mail address or a phone.")})
        if email is not None:
            address = normalised_email(email)
            control = any(ord(ch) < 32 or ord(ch) == 127 for ch in address)
            if control or len(address) > 254 or not EMAIL_PATTERN.match(address):
                raise SubmissionInvalid({"email": _("Please check the e-mail address.")})
            return cls(email=address)
        number = normalised_phone(phone)
        stray = set(phone.strip()) - set("+0123456789 ()./-")
        if stray or len(number.lstrip("+")) < MIN_PHONE_DIGITS or len(number) > 32:
            raise SubmissionInvalid({"phone": _("Please check the phone number.")})
        return cls(phone=number)

    def customer_condition(self):
        """The SQL condition matching this person's customer rows."""
        if self.email:
            return func.lower(func.trim(Customer.email)) == self.email
        return phone_digits(func.trim(Customer.phone)) == self.phone

    def fingerprint(self) -> str:
        """A keyed hash naming the person in the audit trail without their address."""
        key = str(current_app.config["SECRET_KEY"]).encode()
        value = f"email:{self.email}" if self.email else f"phone:{self.phone}"
        return "hmac-sha256:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def erase_person(subject: Subject) -> Counts:
    """Remove the person's data everywhere it is kept; the caller commits.

    Two transactions: the search of every free-text column reads the whole of them, so it
    runs first in a read transaction, which on SQLite lets taps go on being written; the
    writing one then only reads back the rows found, by id, and redacts them. A row written
    between the two is not seen: run the erase again to be sure of a busy shop.
    """
    terms, found = _search(subject)
    counts = Counts()
    responses = list(db.session.scalars(contact_statement().where(subject.customer_condition())))
    for response in responses:
        with recounting(response):  # the dashboard's latest comments lose the words too
            counts.words += _drop_words(response)
            forget_contact(response, counts, wipe_notes=True)
    db.session.flush()
    _redact_free_text(terms, found, counts)
    _redact_outbox(terms, found[(OutboxMessage, "id")], counts)
    record_audit("privacy.erased", subject=subject.fingerprint(), **counts.as_dict())
    return counts


def _search(subject: Subject) -> tuple[list[Term], dict[tuple[type, str], list[int]]]:
    """What the person is known by, and the ids of the rows naming them, read without the
    write lock; the transaction ends before anything is written."""
    token = sqlite_write_intent.set(False)
    try:
        statement = contact_statement().where(subject.customer_condition())
        customers = {response.customer for response in db.session.scalars(statement)}
        # The address or number asked about, and all their contact rows hold.
        terms = person_terms(
            [subject.email, *(customer.email for customer in customers)],
            [subject.phone, *(customer.phone for customer in customers)],
            [customer.name for customer in customers],
        )
        found = {
            (model, attribute): _ids(model, sql_mentions(getattr(model, attribute), terms))
            for model, attribute in FREE_TEXT
        }
        in_outbox = or_(*(sql_mentions(getattr(m, a), terms) for m, a in OUTBOX_TEXT))
        unerased = OutboxMessage.destination != ERASED_DESTINATION
        found[(OutboxMessage, "id")] = _ids(OutboxMessage, unerased, in_outbox)
        db.session.commit()  # nothing written: ends the read, so the writes start afresh
    finally:
        sqlite_write_intent.reset(token)
    return terms, found


def _ids(model, *conditions) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*conditions).order_by(model.id)))


def _by_id(model, ids: list[int]):
    """The rows with these ids, a batch at a time."""
    for start in range(0, len(ids), ID_BATCH):
        yield from db.session.scalars(
            select(model).where(model.id.in_(ids[start : start + ID_BATCH]))
        )


def _drop_words(response: Response) -> int:
    """Remove the free-text answers; ratings, choices and times stay."""
    dropped = 0
    for answer in response.answers:
        if answer.text is not None:
            answer.text, dropped = None, dropped + 1
    return dropped


def _count_as(model) -> str:
    if model in (Alert, AlertEvent):
        return "alert_notes"
    return "audit_events" if model is AuditEvent else "mentions"


def _redact_free_text(terms: list[Term], found: dict, counts: Counts) -> None:
    """Every free-text column, in every row found naming the person."""
    patterns = text_patterns(terms)
    with redacting_audit_details():  # older audit rows may be corrected, nothing else
        for model, attribute in FREE_TEXT:
            for row in list(_by_id(model, found[(model, attribute)])):
                value = getattr(row, attribute)
                redacted = redact(value, patterns)
                if redacted != value:
                    setattr(row, attribute, redacted)  # a new dict: JSON changes are not tracked
                    name = _count_as(model)
                    setattr(counts, name, getattr(counts, name) + 1)
        db.session.flush()


def _redact_outbox(terms: list[Term], ids: list[int], counts: Counts) -> None:
    """Messages to the person are emptied; those merely naming them lose the name."""
    patterns = text_patterns(terms)
    addresses = [term.text_pattern for term in terms if term.is_address]
    for message in list(_by_id(OutboxMessage, ids)):
        if message.destination == ERASED_DESTINATION:  # emptied above, with their own case
            continue
        if any(pattern.search(message.destination) for pattern in addresses):
            scrub_message(message, counts)
            continue
        payload, error = redact(message.payload, patterns), redact(message.last_error, patterns)
        if payload != message.payload or error != message.last_error:
            message.payload, message.last_error = payload, error
            counts.outbox_messages += 1
