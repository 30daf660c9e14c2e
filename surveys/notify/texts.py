"""What a notification says, in the reader's language: a headline and a few lines.

Called at delivery inside `force_locale`, from the facts stored with the message. The facts
hold the alert's gist only (location, rating, topics, time), never the customer's words
or contact details, which stay behind the login.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask_babel import get_locale
from flask_babel import gettext as _


def describe(event: str, facts: dict) -> tuple[str, list[str]]:
    """The headline and detail lines for an event."""
    return DESCRIBERS[event](facts)


def _alert_raised(facts: dict) -> tuple[str, list[str]]:
    if facts.get("reason") == "topic":
        headline = _("%(location)s: a customer chose a complaint", location=facts["location"])
    else:
        headline = _(
            "%(location)s: a customer rated their visit %(rating)s of %(scale)s",
            location=facts["location"],
            rating=facts["rating"],
            scale=facts["scale"],
        )
    lines = [_("At %(time)s.", time=_local_time(facts))]
    if facts.get("topic_labels"):
        lines.append(_("What went wrong: %(topics)s", topics=", ".join(facts["topic_labels"])))
    return headline, lines + _inbox_line(facts)


def _alert_escalated(facts: dict) -> tuple[str, list[str]]:
    headline = _(
        "%(location)s: nobody has taken an alert for %(minutes)s minutes",
        location=facts["location"],
        minutes=facts["waited_minutes"],
    )
    lines = [
        _(
            "A customer rated their visit %(rating)s of %(scale)s at %(time)s.",
            rating=facts["rating"],
            scale=facts["scale"],
            time=_local_time(facts),
        )
    ]
    return headline, lines + _inbox_line(facts)


def _surge_raised(facts: dict) -> tuple[str, list[str]]:
    headline = _(
        "%(location)s: %(percent)s%% of answers are negative",
        location=facts["location"],
        percent=facts["percent"],
    )
    lines = [
        _(
            "%(negatives)s of %(responses)s answers in the last %(minutes)s minutes were negative.",
            negatives=facts["negatives"],
            responses=facts["responses"],
            minutes=facts["window_minutes"],
        )
    ]
    return headline, lines + _inbox_line(facts)


def _case_assigned(facts: dict) -> tuple[str, list[str]]:
    headline = _("%(location)s: a case was handed to you", location=facts["location"])
    return headline, _rating_line(facts) + _inbox_line(facts)


def _follow_up_due(facts: dict) -> tuple[str, list[str]]:
    headline = _("%(location)s: a follow-up is due", location=facts["location"])
    return headline, _rating_line(facts) + _inbox_line(facts)


def _rating_line(facts: dict) -> list[str]:
    return [
        _(
            "A customer rated their visit %(rating)s of %(scale)s at %(time)s.",
            rating=facts["rating"],
            scale=facts["scale"],
            time=_local_time(facts),
        )
    ]


def _escalations(facts: dict) -> tuple[str, list[str]]:
    """One e-mail for many overdue alerts: a line and a link per case."""
    headline = _("Nobody has taken these alerts: %(count)s", count=len(facts["cases"]))
    lines = [
        _(
            "%(location)s: rated %(rating)s of %(scale)s at %(time)s, waiting %(minutes)s "
            "minutes. %(url)s",
            location=case["location"],
            rating=case["rating"],
            scale=case["scale"],
            time=_local_time(case),
            minutes=case["waited_minutes"],
            url=case["case_url"],
        )
        for case in facts["cases"]
    ]
    return headline, lines


def _surges(facts: dict) -> tuple[str, list[str]]:
    """One e-mail for the surges of a window, a line per surge."""
    headline = _("Many negative answers: %(count)s", count=len(facts["cases"]))
    lines = [
        _(
            "%(location)s: %(negatives)s of %(responses)s answers in the last %(minutes)s "
            "minutes were negative (%(percent)s%%).",
            location=case["location"],
            negatives=case["negatives"],
            responses=case["responses"],
            minutes=case["window_minutes"],
            percent=case["percent"],
        )
        for case in facts["cases"]
    ]
    return headline, lines


def _webhook_test(facts: dict) -> tuple[str, list[str]]:
    headline = _("%(location)s: this webhook works", location=facts["location"])
    return headline, [_("Counterpulse will send this location's alerts here.")]


def _local_time(facts: dict) -> str:
    """The event's time of day where the location is."""
    at = datetime.fromisoformat(facts["at"].replace("Z", "+00:00")).replace(tzinfo=UTC)
    zone = ZoneInfo(facts.get("timezone") or "UTC")
    return format_time(at, "short", tzinfo=zone, locale=str(get_locale()))


def _inbox_line(facts: dict) -> list[str]:
    """The link to the case the message is about (surges have none)."""
    return [_("Open the case: %(url)s", url=facts["case_url"])] if facts.get("case_url") else []


def _case_event(facts: dict) -> tuple[str, list[str]]:
    headlines = {
        "case.acknowledged": _("%(location)s: a case was acknowledged", location=facts["location"]),
        "case.resolved": _("%(location)s: a case was resolved", location=facts["location"]),
        "case.closed": _("%(location)s: a case was closed", location=facts["location"]),
        "case.reopened": _("%(location)s: a case was reopened", location=facts["location"]),
    }
    return headlines[facts["event"]], _inbox_line(facts)


DESCRIBERS = {
    "alert.raised": _alert_raised,
    "alert.escalated": _alert_escalated,
    "surge.raised": _surge_raised,
    "webhook.test": _webhook_test,
    "escalations": _escalations,
    "surges": _surges,
    "case.assigned": _case_assigned,
    "case.follow_up_due": _follow_up_due,
    "case.acknowledged": _case_event,
    "case.resolved": _case_event,
    "case.closed": _case_event,
    "case.reopened": _case_event,
}
