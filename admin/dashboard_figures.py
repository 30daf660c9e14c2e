"""The dashboard's numbers as people read them: each value beside the period before's, and
the change, with whether it is better or worse (presentation only: surveys/reporting/metrics/
counts).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_interval
from babel.lists import format_list
from flask_babel import format_decimal, format_percent, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

NOTHING = "–"  # no value: no responses, or nothing closed yet
SIGNED = {"count": "+#,##0;-#,##0", "rating": "+#,##0.0;-#,##0.0", "nps": "+#,##0;-#,##0"}


@dataclass(frozen=True)
class Figure:
    """One number of the dashboard, compared with the period before."""

    name: str  # a stable id, for CSS and tests
    label: str
    value: str
    previous: str
    change: str | None  # the signed difference, None when either side has no value
    trend: str | None  # "up", "down" or "same"
    verdict: str | None  # "better", "worse" or "same"; None when neither is better


def show(value, kind: str) -> str:
    """A value as the reader writes it."""
    if value is None:
        return NOTHING
    if kind == "share":
        return format_percent(value, "#,##0%")
    if kind == "seconds":
        return duration(value)
    if kind == "rating":
        return format_decimal(value, "#,##0.0")
    return format_decimal(value, "#,##0")


def duration(seconds: float) -> str:
    """A time span in its two largest units, e.g. "1 hour, 30 minutes"."""
    left = round(seconds)
    parts = []
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1)):
        count, left = divmod(left, size)
        if count and len(parts) < 2 and (unit != "seconds" or not parts):
            parts.append(format_timedelta(timedelta(**{unit: count}), threshold=1))
        elif parts:
            break  # "1 hour, 5 seconds" says less than "1 hour"
    if not parts:
        return format_timedelta(timedelta(0), granularity="second")
    return format_list(parts, style="unit", locale=get_locale())


def _difference(delta: float, kind: str) -> str:
    """The size of a change, signed where a sign reads naturally."""
    if kind == "share":
        points = format_decimal(delta * 100, "+#,##0;-#,##0")
        return _("%(points)s points", points=points)
    if kind == "seconds":
        return duration(abs(delta))
    return format_decimal(delta, SIGNED[kind])


def _rounded(value: float, kind: str) -> float:
    """The value as precise as it is shown, so "no change" means the same figure."""
    if kind == "share":
        return round(value * 100) / 100
    if kind == "rating":
        return round(value, 1)
    return round(value)


def figure(name, label, now, before, kind: str, better: str | None = "up") -> Figure:
    """A Figure for a value now and before; better is the direction that is good news."""
    if now is None or before is None:
        return Figure(name, str(label), show(now, kind), show(before, kind), None, None, None)
    delta = _rounded(now, kind) - _rounded(before, kind)
    trend = "up" if delta > 0 else "down" if delta < 0 else "same"
    verdict = (
        None
        if better is None
        else "same"
        if trend == "same"
        else ("better" if trend == better else "worse")
    )
    change = _difference(delta, kind) if trend != "same" else _("no change")
    return Figure(name, str(label), show(now, kind), show(before, kind), change, trend, verdict)


def headline(dashboard) -> Figure:
    """The recovery rate: upset customers won back, of the cases closed."""
    now, before = dashboard.recovery, dashboard.previous_recovery
    return figure(
        "recovery_rate", _l("Recovery rate"), now.recovery_rate, before.recovery_rate, "share"
    )


def summary_figures(dashboard) -> list[Figure]:
    """Responses, average rating, CSAT, NPS (when there are NPS answers), negative share."""
    now, before = dashboard.summary, dashboard.previous
    figures = [
        figure("responses", _l("Responses"), now.responses, before.responses, "count", None),
        figure(
            "average_rating",
            _l("Average rating"),
            now.average_rating,
            before.average_rating,
            "rating",
        ),
        figure("csat", _l("CSAT (rated 4 or 5)"), now.csat, before.csat, "share"),
    ]
    if now.nps is not None or before.nps is not None:
        figures.append(figure("nps", _l("NPS"), now.nps, before.nps, "nps"))
    figures.append(
        figure(
            "negative_share",
            _l("Negative answers"),
            now.negative_share,
            before.negative_share,
            "share",
            "down",
        )
    )
    return figures


def recovery_figures(dashboard) -> list[Figure]:
    """Alerts, how fast they were handled, the cases' outcomes and the silent complainers."""
    now, before = dashboard.recovery, dashboard.previous_recovery
    return [
        figure("alerts", _l("Alerts raised"), now.alerts, before.alerts, "count", "down"),
        figure(
            "acknowledge",
            _l("Median time to acknowledge"),
            now.median_acknowledge_seconds,
            before.median_acknowledge_seconds,
            "seconds",
            "down",
        ),
        figure(
            "resolve",
            _l("Median time to resolve"),
            now.median_resolve_seconds,
            before.median_resolve_seconds,
            "seconds",
            "down",
        ),
        figure("won_back", _l("Won back"), now.won_back, before.won_back, "count"),
        figure("neutral", _l("Neutral"), now.neutral, before.neutral, "count", None),
        figure("lost", _l("Lost"), now.lost, before.lost, "count", "down"),
        figure(
            "silent",
            _l("Silent complainers"),
            now.silent_complainers,
            before.silent_complainers,
            "count",
            "down",
        ),
    ]


def period_text(period) -> str:
    """A period's days as the reader writes them, e.g. "Nov 17 – 23, 2026"."""
    if period.first == period.last:
        return babel_format_date(period.first, "medium", locale=get_locale())
    return format_interval(period.first, period.last, "yMMMd", locale=get_locale())


def moment(when: datetime) -> str:
    """An aware time, in its own (the location's) time zone."""
    return babel_format_datetime(when, "short", tzinfo=when.tzinfo, locale=get_locale())
