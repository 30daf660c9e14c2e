"""Forgetting a customer: their contact details, and wherever else they were written down.

Two callers share these pieces: the retention purge (surveys/privacy/retention.py) forgets the
contact details of cases closed long enough ago; the erase (surveys/privacy/erasure.py) forgets a
person entirely on request. Both only ever count what they changed; nothing here logs or
prints a value it removed.
"""

import re
from dataclasses import dataclass, fields

from sqlalchemy import Text, cast, func, or_, select

from surveys.db import db
from surveys.models import Alert, Customer, OutboxMessage, OutboxStatus, Response

REMOVED = "[removed]"
ERASED_DESTINATION = "erased"
# A message not yet delivered is cancelled rather than sent to a forgotten person.
UNSENT = (OutboxStatus.PENDING, OutboxStatus.DELIVERING, OutboxStatus.DEAD)
PHONE_SEPARATORS = r"[\s().\-/]*"


@dataclass
class Counts:
    """How many rows of each kind a purge or an erase changed."""

    customers: int = 0
    responses: int = 0
    words: int = 0
    alert_notes: int = 0
    mentions: int = 0
    outbox_messages: int = 0
    outbox_cancelled: int = 0
    audit_events: int = 0

    def add(self, other: "Counts") -> None:
        """Add another run's counts to these."""
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def as_dict(self) -> dict[str, int]:
        """The counts by name, for the audit trail and the command's output."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def normalised_email(email: str) -> str:
    """An e-mail address as it is matched: trimmed and lower-case."""
    return email.strip().lower()


def normalised_phone(phone: str) -> str:
    """A phone number as it is matched: its digits, with a leading '+' kept."""
    phone = phone.strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" + digits) if phone.startswith("+") else digits


def term_patterns(email: str | None, phone: str | None, name: str | None) -> list[re.Pattern]:
    """Patterns finding the person's address, number (however spaced) and name in a text."""
    patterns = []
    if email:
        patterns.append(re.compile(re.escape(normalised_email(email)), re.IGNORECASE))
    if phone and (digits := normalised_phone(phone).lstrip("+")):
        patterns.append(re.compile(r"\+?" + PHONE_SEPARATORS.join(digits)))
    if name and len(name.strip()) >= 2:
        patterns.append(re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE))
    return patterns


def redact(value, patterns: list[re.Pattern]):
    """The value with every match replaced, through nested dicts and lists."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(REMOVED, value)
        return value
    if isinstance(value, dict):
        return {key: redact(item, patterns) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, patterns) for item in value]
    return value


def redact_case_notes(alert: Alert, patterns: list[re.Pattern], wipe: bool = False) -> int:
    """Remove the person from the case's notes and timeline (wipe: every note); how many."""
    changed = 0
    if alert.remedy_note:
        note = REMOVED if wipe else redact(alert.remedy_note, patterns)
        changed += note != alert.remedy_note
        alert.remedy_note = note
    for remedy in alert.remedies:  # each remedy's own note (surveys/models/case_work.py)
        note = (REMOVED if remedy.note else None) if wipe else redact(remedy.note, patterns)
        changed += note != remedy.note
        remedy.note = note
    for event in alert.events:
        note = (REMOVED if event.note else None) if wipe else redact(event.note, patterns)
        data = redact(event.data or {}, patterns)
        if note != event.note or data != event.data:
            event.note, event.data = note, data  # a new dict: JSON changes are not tracked
            changed += 1
    return changed


def mentions(message: OutboxMessage, email: str | None, patterns: list[re.Pattern]) -> bool:
    """Whether a message is addressed to the person or carries their details."""
    if email and message.destination.strip().lower() == normalised_email(email):
        return True
    text = f"{message.payload} {message.last_error or ''}"
    return any(pattern.search(text) for pattern in patterns)


def scrub_message(message: OutboxMessage, counts: Counts) -> None:
    """Keep that a message existed, not to whom or what: cancel it if it is still unsent."""
    payload = message.payload or {}
    kept = {key: payload[key] for key in ("event", "language", "preset") if key in payload}
    message.payload = {**kept, "facts": {}, "erased": True}
    message.destination = ERASED_DESTINATION
    message.last_error = None
    counts.outbox_messages += 1
    if message.status in UNSENT:
        message.status, message.claim_token = OutboxStatus.CANCELLED, None
        counts.outbox_cancelled += 1


def messages_about(email: str | None, alert_ids: list[int]) -> list[OutboxMessage]:
    """The outbox rows that may concern the person: their cases' and any to their address."""
    conditions = []
    if alert_ids:
        conditions.append(OutboxMessage.alert_id.in_(alert_ids))
    if email:
        address = normalised_email(email)
        conditions.append(func.lower(OutboxMessage.destination) == address)
        conditions.append(func.lower(cast(OutboxMessage.payload, Text)).contains(address))
    if not conditions:
        return []
    statement = select(OutboxMessage).where(OutboxMessage.destination != ERASED_DESTINATION)
    return list(db.session.scalars(statement.where(or_(*conditions))))


def forget_contact(response: Response, counts: Counts, wipe_notes: bool = False) -> None:
    """Remove the response's customer and their details from its case and its e-mails."""
    customer = response.customer
    patterns = term_patterns(customer.email, customer.phone, customer.name)
    if response.alert is not None:
        counts.alert_notes += redact_case_notes(response.alert, patterns, wipe_notes)
    alert_ids = [response.alert.id] if response.alert is not None else []
    for message in messages_about(customer.email, alert_ids):
        if mentions(message, customer.email, patterns):
            scrub_message(message, counts)
    response.customer = None
    response.follow_up_digest = None  # a fingerprint of the answers, contact included
    if not db.session.scalar(
        select(func.count()).select_from(Response).where(Response.customer_id == customer.id)
    ):
        db.session.delete(customer)
        counts.customers += 1
    counts.responses += 1


def contact_statement():
    """Responses that still hold a customer, with that customer."""
    return select(Response).join(Customer, Response.customer_id == Customer.id)
