"""The apology e-mail a manager sends from a case to a customer who asked to be contacted.

Sent once: the case page posts how many apologies it showed as sent (`sent_before`); when
the case has moved on (a double click, a second tab, a colleague), the post is refused, and
the page then offers an explicit "send again". Counting on the alert bumps its version, so
of two simultaneous posts the database lets one through. A closed case sends nothing."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from surveys.capture.answers import clean_text
from surveys.db import db
from surveys.errors import CaseChanged, InvalidTransition, NotAllowed, SubmissionInvalid
from surveys.models import ALLOWED_FROM, Alert, Customer, EventKind, OutboxMessage, User
from surveys.notify.apology_texts import apology_text
from surveys.notify.outbox import enqueue_email
from surveys.numbers import whole_number
from surveys.people.access import can_act_on_location
from surveys.people.audit import record_audit
from surveys.places.money import format_money


class AlreadySent(InvalidTransition):
    """The apology was sent since the page was shown; nothing more was sent."""

    def __init__(self):
        super().__init__(str(_l("The apology was already sent. To write again, use “Send again”.")))


def draft_for(alert: Alert) -> str:
    """The text to pre-fill on the case page, in the customer's language."""
    customer = alert.response.customer if alert.response else None
    language = customer.language if customer else alert.location.default_language
    return apology_text(alert.location, language)


def send_case_apology(
    alert: Alert, by: User, form: Mapping[str, str], client_address: str | None
) -> OutboxMessage:
    """The case page's apology: the text as edited, the case's latest coupon if any."""
    _check_may_write(alert, by)
    errors: dict[str, str] = {}
    text = clean_text(form.get("text", ""), "text", errors)
    if text is None and not errors:
        errors["text"] = str(_l("Please write the e-mail's text."))
    sent_before = whole_number((form.get("sent_before") or "0").strip())
    if sent_before and form.get("again") != "yes":
        errors["again"] = str(_l("Please tick the box to confirm sending it again."))
    if errors:
        raise SubmissionInvalid(errors)
    coupon = alert.coupons[-1] if alert.coupons else None
    customer = alert.response.customer if alert.response else None
    value = None
    if coupon and customer:
        value = format_money(coupon.value_cents, coupon.currency, locale=customer.language)
    return send_apology_email(
        alert,
        by,
        coupon.code if coupon else None,
        value,
        text=text,
        sent_before=sent_before if sent_before is not None else -1,
        client_address=client_address,
    )


def _check_may_write(alert: Alert, by: User) -> Customer:
    """The customer to write to; refused for staff, without a consented e-mail address, and
    on a closed case."""
    if not can_act_on_location(by, alert.location_id):
        raise NotAllowed()
    customer = alert.response.customer if alert.response else None
    if customer is None or not customer.email or customer.consent_at is None:
        raise SubmissionInvalid(
            {"email": str(_l("This customer did not leave an e-mail address to write to."))}
        )
    if not alert.can("email_apology"):
        raise InvalidTransition(str(ALLOWED_FROM["email_apology"][1]))
    return customer


def send_apology_email(
    alert: Alert,
    by: User,
    coupon_code: str | None = None,
    coupon_value: str | None = None,
    *,
    text: str | None = None,
    sent_before: int = 0,
    client_address: str | None = None,
) -> OutboxMessage:
    """Queue an apology in the customer's language and record it in the audit trail.

    Refused when the customer left no e-mail address (or no consent, which goes with it),
    when the case is closed, and when `sent_before` is not the number already sent."""
    customer = _check_may_write(alert, by)
    if sent_before != alert.apologies_sent:
        raise AlreadySent()
    facts = {
        "location": alert.location.name,
        "customer_name": customer.name,
        "text": text or apology_text(alert.location, customer.language),
        "coupon_code": coupon_code,
        "coupon_value": str(coupon_value) if coupon_value is not None else None,
        "reply_to": by.email,  # the customer's answer reaches the manager who wrote
    }
    try:  # any flush, even an autoflush, may find that another request counted first
        message = enqueue_email(customer.email, "apology", facts, customer.language, alert=alert)
        alert.apologies_sent += 1
        alert.add_event(EventKind.APOLOGY_EMAILED, by, with_coupon=coupon_code is not None)
        record_audit(
            "alert.apology_emailed",
            actor=by,
            location_id=alert.location_id,
            client_address=client_address,
            alert_id=alert.id,
            outbox_message_id=message.message_id,
            with_coupon=coupon_code is not None,
            again=sent_before > 0,
        )
        db.session.flush()
    except StaleDataError:
        raise CaseChanged() from None
    return message
