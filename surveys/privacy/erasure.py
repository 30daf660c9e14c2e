"""Erasing a person on request: `flask --app wsgi privacy erase --email … | --phone …`.

Their contact rows go, the words of their responses go, the notes of their cases go, and
e-mails to them are emptied (unsent ones cancelled). Ratings, topics and times stay, so
every count and chart stays right; the responses are simply no longer anyone's, and the
dashboard's latest comments no longer list them (in the same transaction).
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, or_, select

from surveys.capture.answers import EMAIL_PATTERN
from surveys.cases.customers import phone_digits
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import AlertEvent, AuditEvent, Customer, Response
from surveys.people.audit import record_audit, redacting_audit_details
from surveys.privacy.forgetting import (
    Counts,
    contact_statement,
    forget_contact,
    mentions,
    messages_about,
    normalised_email,
    normalised_phone,
    redact,
    scrub_message,
    term_patterns,
)
from surveys.reporting.metrics.rollups import recounting

MIN_PHONE_DIGITS = 5


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
    """Remove the person's data everywhere it is kept; the caller commits."""
    counts = Counts()
    responses = list(db.session.scalars(contact_statement().where(subject.customer_condition())))
    for response in responses:
        with recounting(response):  # the dashboard's latest comments lose the words too
            counts.words += _drop_words(response)
            forget_contact(response, counts, wipe_notes=True)
    patterns = term_patterns(subject.email, subject.phone, None)
    _redact_other_mentions(subject, patterns, counts)
    _redact_audit_details(subject, patterns, counts)
    record_audit("privacy.erased", subject=subject.fingerprint(), **counts.as_dict())
    return counts


def _drop_words(response: Response) -> int:
    """Remove the free-text answers; ratings, choices and times stay."""
    dropped = 0
    for answer in response.answers:
        if answer.text is not None:
            answer.text, dropped = None, dropped + 1
    return dropped


def _like_terms(subject: Subject, column) -> list:
    """SQL conditions that find a text column possibly mentioning the person."""
    if subject.email:
        return [func.lower(cast(column, Text)).contains(subject.email)]
    return [phone_digits(cast(column, Text)).contains(subject.phone.lstrip("+"))]


def _redact_other_mentions(subject: Subject, patterns, counts: Counts) -> None:
    """Case notes and outbox rows elsewhere that name the address or number."""
    events = select(AlertEvent).where(
        or_(*_like_terms(subject, AlertEvent.note), *_like_terms(subject, AlertEvent.data))
    )
    for event in db.session.scalars(events):
        note, data = redact(event.note, patterns), redact(event.data or {}, patterns)
        if note != event.note or data != event.data:
            event.note, event.data = note, data
            counts.alert_notes += 1
    for message in messages_about(subject.email, []):
        if mentions(message, subject.email, patterns):
            scrub_message(message, counts)


def _redact_audit_details(subject: Subject, patterns, counts: Counts) -> None:
    """Audit details hold ids only (record_audit refuses addresses); any older row is fixed."""
    statement = select(AuditEvent).where(or_(*_like_terms(subject, AuditEvent.details)))
    with redacting_audit_details():
        for event in db.session.scalars(statement):
            details = redact(event.details, patterns)
            if details != event.details:
                event.details = details
                counts.audit_events += 1
        db.session.flush()
