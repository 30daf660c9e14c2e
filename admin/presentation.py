"""What admin templates share: labels for case states, times, amounts."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import format_timedelta, get_locale
from flask_login import current_user

from admin import bp
from surveys.cases.feedback import what_was_said
from surveys.labels import (
    CASE_STATUS_LABELS,
    DEVICE_STATUS_LABELS,
    EVENT_KIND_LABELS,
    EXPORT_PERIOD_LABELS,
    OUTCOME_LABELS,
    PERIOD_LABELS,
    REMEDY_LABELS,
    ROLE_LABELS,
)
from surveys.languages import LANGUAGE_NAMES, text_direction
from surveys.models import utcnow
from surveys.places.money import format_money


def ago(moment) -> str:
    """ "5 minutes ago", in the reader's language."""
    return format_timedelta(moment - utcnow(), add_direction=True)


def local_time(moment: datetime | str, timezone: str, format: str = "short") -> str:
    """A stored UTC time (or its ISO text) in the location's time zone and reader's language."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    aware = moment.replace(tzinfo=UTC)
    return babel_format_datetime(aware, format, tzinfo=ZoneInfo(timezone), locale=get_locale())


def local_date(moment: datetime, timezone: str, format: str = "medium") -> str:
    """The date of a stored UTC time in the location's time zone."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return babel_format_date(local.date(), format, locale=get_locale())


def money(minor: int | None, currency: str | None = None) -> str:
    """An amount in minor units with its currency as the reader writes it, e.g. €12.50."""
    return format_money(minor, currency)


def money_totals(totals: dict[str, int]) -> str:
    """Sums per currency, e.g. "€17.50" (or "€5.00 + $3.00" after a change of currency)."""
    return " + ".join(money(minor, currency) for currency, minor in sorted(totals.items()))


def signed_in_user():
    """The signed-in User itself, not Flask-Login's proxy, for the services to store."""
    return current_user._get_current_object()


@bp.context_processor
def _admin_template_helpers():
    """Labels and formatters for every admin template."""
    return {
        "status_labels": CASE_STATUS_LABELS,
        "remedy_labels": REMEDY_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "event_labels": EVENT_KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "device_status_labels": DEVICE_STATUS_LABELS,
        "period_labels": PERIOD_LABELS,
        "export_period_labels": EXPORT_PERIOD_LABELS,
        "language_names": LANGUAGE_NAMES,
        "what_was_said": what_was_said,
        "ago": ago,
        "local_time": local_time,
        "local_date": local_date,
        "money": money,
        "money_totals": money_totals,
        "text_direction": text_direction,
    }
