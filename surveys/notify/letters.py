"""The e-mails' subject and body, in the reader's language (called inside force_locale)."""

from flask_babel import gettext as _

from surveys.notify.digest_letter import digest_letter
from surveys.notify.texts import describe


def compose(event: str, facts: dict) -> tuple[str, str, str | None]:
    """The subject, the plain-text body and, for the digest, an HTML body."""
    if event == "digest":
        return digest_letter(facts)
    return (*letter(event, facts), None)


def letter(event: str, facts: dict) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail for an event."""
    if event == "apology":
        return _apology(facts)
    headline, lines = describe(event, facts)
    footer = _(
        "You receive this because you look after %(location)s in Counterpulse.",
        location=facts["location"],
    )
    return headline, "\n\n".join([headline, *lines, "--", footer]) + "\n"


def _apology(facts: dict) -> tuple[str, str]:
    """The apology a manager sends a customer who asked to be contacted."""
    location = facts["location"]
    subject = _("We are sorry about your visit to %(location)s", location=location)
    name = facts.get("customer_name")
    greeting = _("Dear %(name)s,", name=name) if name else _("Hello,")
    paragraphs = [
        greeting,
        # The manager's words as edited on the case page; older messages carry none.
        facts.get("text")
        or _(
            "Thank you for telling us that your visit to %(location)s was not what it should "
            "have been. We are sorry, and we are putting it right.",
            location=location,
        ),
    ]
    if facts.get("coupon_code"):
        paragraphs.append(_coupon_paragraph(facts))
    paragraphs.append(_("We hope to welcome you again soon.\n%(location)s", location=location))
    return subject, "\n\n".join(paragraphs) + "\n"


def _coupon_paragraph(facts: dict) -> str:
    if facts.get("coupon_value"):
        return _(
            "As a small thank-you, here is a coupon worth %(value)s: %(code)s",
            value=facts["coupon_value"],
            code=facts["coupon_code"],
        )
    return _("As a small thank-you, here is a coupon: %(code)s", code=facts["coupon_code"])
