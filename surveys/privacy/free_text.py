"""Every stored column people (or a remote server) write freely into, in one place.

An erase looks for the person in each of these, in every row, not only their own cases: a
resolve note on someone else's case, words typed at another visit, an older audit row. A new
free-text column (a case-notes table, say) is one more line in FREE_TEXT;
tests/surveys/privacy/test_free_text_columns.py fails until every text or JSON column of the
schema is either here or in NOT_FREE_TEXT with its reason.

The outbox is handled apart (surveys/privacy/forgetting.py): a message addressed to the
person is emptied whole, one merely naming them has its payload redacted.
"""

from surveys.models import (
    Alert,
    AlertEvent,
    Answer,
    AuditEvent,
    CaseRemedy,
    Customer,
    Device,
    OutboxMessage,
    Webhook,
)

# (model, attribute): text or JSON, redacted in place wherever it names the person.
FREE_TEXT: tuple[tuple[type, str], ...] = (
    (Answer, "text"),
    (Alert, "remedy_note"),
    (CaseRemedy, "note"),  # what a manager wrote about a remedy; may name the customer
    (AlertEvent, "note"),
    (AlertEvent, "data"),
    (AuditEvent, "details"),
    (Customer, "consent_text"),
    (Device, "last_error"),  # a tablet's reported error, free text from the device
    (Webhook, "deactivated_reason"),  # may quote a receiver's answer to a payload
)

# (model, attribute): searched like FREE_TEXT, but a match empties the whole message.
OUTBOX_TEXT: tuple[tuple[type, str], ...] = (
    (OutboxMessage, "destination"),
    (OutboxMessage, "payload"),
    (OutboxMessage, "last_error"),
)

# "table.column": text or JSON columns that never hold what a customer or a note says.
NOT_FREE_TEXT: dict[str, str] = {
    "customer.name": "the person's own row, deleted by the erase",
    "customer.email": "the person's own row, deleted by the erase",
    "customer.phone": "the person's own row, deleted by the erase",
    "location.name": "a shop's name, chosen by its owner",
    "location.languages": "language codes",
    "location.opening_hours": "times of day",
    "location.retired_receipt_secrets": "signing keys",
    "location_brand.display_name": "a shop's name, chosen by its owner",
    "staff.name": "a member of staff, not a customer",
    "apology_text.body": "the shop's own apology, written by its managers before any case",
    "job_lease.holder": "which process holds a periodic job's lease",
    "outbox_message.group_key": "a grouped message's kind and account id",
    "push_subscription.endpoint": "a manager's browser's push address, not a customer's",
    "push_subscription.p256dh": "a manager's browser's public key",
    "push_subscription.auth": "a manager's browser's push secret",
    "push_subscription.label": "a manager's name for their own device",
    "survey.name": "written by the owner",
    "survey.languages": "language codes",
    "question.texts": "the survey's questions, written by the owner",
    "question.options": "the survey's choices, written by the owner",
    "question.condition": "question keys and values",
    "user.email": "a manager's sign-in, not a customer",
    "webhook.url": "the receiver's address, set by the owner",
    "device.name": "named by the owner",
    "api_key.name": "a till's key, named by the owner",
    "api_key.scopes": "scope names",
    "user.password_hash": "a hash",
    "location.exit_pin_hash": "a hash",
    "webhook.secret": "a signing key",
}
