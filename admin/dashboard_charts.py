"""The dashboard's charts and heat map as data: what dashboard.js draws, and the same
numbers as the accessible tables beside them (presentation only)."""

from dataclasses import dataclass, field

from babel.dates import get_day_names
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from admin.dashboard_figures import NOTHING, show
from surveys.labels import OUTCOME_LABELS
from surveys.models import Outcome

# CSAT buckets of the heat map, worst first: (class, lowest CSAT in it).
HEAT_BUCKETS = (("heat-1", 0.0), ("heat-2", 0.5), ("heat-3", 0.7), ("heat-4", 0.85))


@dataclass(frozen=True)
class Chart:
    """A bar chart and its data table."""

    id: str
    title: str
    description: str  # the canvas's aria-label
    data: dict  # read by static/js/dashboard.js
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _percent(value: float | None) -> float | None:
    """A share as a percentage for the chart's axis."""
    return None if value is None else round(value * 100, 1)


def _bars(labels, values, unit: str, series: str, horizontal=False, tones=None) -> dict:
    """The chart data dashboard.js reads."""
    return {
        "labels": labels,
        "values": values,
        "unit": unit,
        "series": series,
        "horizontal": horizontal,
        "tones": tones,
    }


def by_location(rows) -> Chart:
    """CSAT of each location side by side."""
    series = _("CSAT (%)")
    return Chart(
        "by-location",
        _("Satisfaction by location"),
        _("Bar chart of CSAT by location; the table below has the same numbers."),
        _bars([r.label for r in rows], [_percent(r.csat) for r in rows], "percent", series),
        [_("Location"), _("Responses"), _("Average rating"), _("CSAT"), _("Negative answers")],
        [
            [
                r.label,
                show(r.responses, "count"),
                show(r.average_rating, "rating"),
                show(r.csat, "share"),
                show(r.negative_share, "share"),
            ]
            for r in rows
        ],
    )


def by_staff(rows) -> Chart:
    """How often each staff member was praised, with their satisfaction."""
    return Chart(
        "by-staff",
        _("Staff: praise and satisfaction"),
        _("Bar chart of praise by staff member; the table below has the same numbers."),
        _bars([r.label for r in rows], [r.praise for r in rows], "count", _("Praise")),
        [_("Staff member"), _("Praise"), _("Responses"), _("Average rating"), _("CSAT")],
        [
            [
                r.label,
                show(r.praise, "count"),
                show(r.responses, "count"),
                show(r.average_rating, "rating"),
                show(r.csat, "share"),
            ]
            for r in rows
        ],
    )


def by_topic(rows) -> Chart:
    """How often each topic was chosen."""
    return Chart(
        "by-topic",
        _("What customers talked about"),
        _("Bar chart of responses by topic; the table below has the same numbers."),
        _bars(
            [r.label for r in rows],
            [r.responses for r in rows],
            "count",
            _("Responses"),
            horizontal=True,
        ),
        [_("Topic"), _("Responses"), _("Average rating"), _("Negative answers")],
        [
            [
                r.label,
                show(r.responses, "count"),
                show(r.average_rating, "rating"),
                show(r.negative_share, "share"),
            ]
            for r in rows
        ],
    )


def outcomes(recovery) -> Chart:
    """Closed cases by outcome."""
    labels = [
        str(OUTCOME_LABELS[outcome])
        for outcome in (Outcome.WON_BACK, Outcome.NEUTRAL, Outcome.LOST)
    ]
    counts = [recovery.won_back, recovery.neutral, recovery.lost]
    return Chart(
        "outcomes",
        _("How closed cases ended"),
        _("Bar chart of closed cases by outcome; the table below has the same numbers."),
        _bars(labels, counts, "count", _("Cases"), tones=["good", "neutral", "bad"]),
        [_("Outcome"), _("Cases")],
        [[label, show(count, "count")] for label, count in zip(labels, counts, strict=True)],
    )


@dataclass(frozen=True)
class HeatSpot:
    """One weekday-and-hour cell of the heat map."""

    text: str
    bucket: str  # CSS class
    responses: str


@dataclass(frozen=True)
class HeatMap:
    """The hours shown (those from the first to the last with answers) and a row per day."""

    hours: list[str]
    rows: list[tuple[str, list[HeatSpot]]]


def _bucket(csat: float | None) -> str:
    """The CSS class of a CSAT value."""
    if csat is None:
        return "heat-none"
    shown = round(csat, 2)  # the bucket of the percentage the cell shows
    return [name for name, lowest in HEAT_BUCKETS if shown >= lowest][-1]


def heat_map(cells) -> HeatMap | None:
    """The weekday × hour table; None when the period has no answers."""
    busy = sorted({cell.hour for cell in cells if cell.responses})
    if not busy:
        return None
    hours = range(busy[0], busy[-1] + 1)
    by_spot = {(cell.weekday, cell.hour): cell for cell in cells}
    days = get_day_names("wide", locale=get_locale())
    rows = []
    for weekday in range(7):
        spots = []
        for hour in hours:
            cell = by_spot.get((weekday, hour))
            count = cell.responses if cell else 0
            csat = cell.csat if cell and count else None
            spots.append(
                HeatSpot(
                    show(csat, "share") if count else NOTHING, _bucket(csat), show(count, "count")
                )
            )
        rows.append((days[weekday], spots))
    return HeatMap([format_decimal(hour, "00") for hour in hours], rows)


def heat_legend() -> list[tuple[str, str]]:
    """The buckets with their ranges, for the legend under the heat map."""
    half, fair, good = (show(limit, "share") for limit in (0.5, 0.7, 0.85))
    return [
        ("heat-1", _("CSAT under %(limit)s", limit=half)),
        ("heat-2", _("%(low)s to %(high)s", low=half, high=show(0.69, "share"))),
        ("heat-3", _("%(low)s to %(high)s", low=fair, high=show(0.84, "share"))),
        ("heat-4", _("%(limit)s or more", limit=good)),
        ("heat-none", _("No answers")),
    ]
