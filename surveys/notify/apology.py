"""The apology e-mail a manager sends from a case to a customer who asked to be contacted."""

from flask_babel import lazy_gettext as _l

from surveys.db import db
from surveys.errors import NotAllowed, SubmissionInvalid
from surveys.models import Alert, EventKind, OutboxMessage, User
from surveys.notify.outbox import enqueue_email
from surveys.people.access import can_act_on_location
from surveys.people.audit import record_audit


def send_apology_email(
    alert: Alert,
    by: User,
    coupon_code: str | None = None,
    coupon_value: str | None = None,
    *,
    client_address: str | None = None,
) -> OutboxMessage:
    """Queue an apology in the customer's language and record it in the audit trail.

    Refused when the customer left no e-mail address (or no consent, which goes with it).
    """
    if not can_act_on_location(by, alert.location_id):
        raise NotAllowed()
    customer = alert.response.customer
    if customer is None or not customer.email or customer.consent_at is None:
        raise SubmissionInvalid(
            {"email": str(_l("This customer did not leave an e-mail address to write to."))}
        )
    facts = {
        "location": alert.location.name,
        "customer_name": customer.name,
        "coupon_code": coupon_code,
        "coupon_value": str(coupon_value) if coupon_value is not None else None,
        "reply_to": by.email,  # the customer's answer reaches the manager who wrote
    }
    message = enqueue_email(customer.email, "apology", facts, customer.language, alert=alert)
    alert.add_event(EventKind.APOLOGY_EMAILED, by, with_coupon=coupon_code is not None)
    record_audit(
        "alert.apology_emailed",
        actor=by,
        location_id=alert.location_id,
        client_address=client_address,
        alert_id=alert.id,
        outbox_message_id=message.message_id,
        with_coupon=coupon_code is not None,
    )
    db.session.flush()
    return message
