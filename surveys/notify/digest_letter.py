"""The digest e-mail, plain text and HTML from the same lines, in the reader's language
(called at delivery inside force_locale, from the facts stored with the message)."""

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _


@dataclass(frozen=True)
class Figure:
    """One line of the digest: what, this period's value, the previous period's."""

    label: str
    value: str
    previous: str | None = None


def _percent(value: float | None) -> str:
    return format_percent(value) if value is not None else _("none yet")


def _day(value: str) -> str:
    return format_date(date.fromisoformat(value), "medium")


def subject(facts: dict) -> str:
    """The subject: the day, or the week from Monday to Sunday."""
    if facts["frequency"] == "daily":
        return _("Counterpulse digest for %(day)s", day=_day(facts["first"]))
    return _(
        "Counterpulse week from %(first)s to %(last)s",
        first=_day(facts["first"]),
        last=_day(facts["last"]),
    )


def figures(facts: dict) -> list[Figure]:
    """The numbers, each beside the previous period's where it has one."""
    worst = facts["worst_topic"]
    return [
        Figure(
            _("Answers"),
            format_decimal(facts["responses"]),
            format_decimal(facts["previous_responses"]),
        ),
        Figure(
            _("Satisfied customers (CSAT)"),
            _percent(facts["csat"]),
            _percent(facts["previous_csat"]),
        ),
        Figure(
            _("Recovery rate (won back of closed cases)"),
            _percent(facts["recovery_rate"]),
            _percent(facts["previous_recovery_rate"]),
        ),
        Figure(_("Open cases now"), format_decimal(facts["open_cases"])),
        Figure(
            _("Most named complaint"),
            _("%(topic)s (%(count)s times)", topic=worst, count=facts["worst_topic_responses"])
            if worst
            else _("none"),
        ),
    ]


def digest_letter(facts: dict) -> tuple[str, str, str]:
    """The subject, the plain-text body and the HTML body."""
    context = {
        "subject": subject(facts),
        "locations": ", ".join(facts["locations"]),
        "figures": figures(facts),
        "dashboard_url": facts["dashboard_url"],
        "account_url": current_app.config["PUBLIC_URL"].rstrip("/") + "/admin/account",
        "daily": facts["frequency"] == "daily",
    }
    text = render_template("email/digest.txt", **context)
    html = render_template("email/digest.html", **context)
    return context["subject"], text, html
