"""The dashboard period: local calendar days, read in each location's own time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from surveys.errors import PeriodInvalid

PERIOD_KINDS = ("today", "7d", "30d", "custom")
FIXED_DAYS = {"today": 1, "7d": 7, "30d": 30}
MAX_DAYS = 731
# No shop has answers from before it; earlier dates are typos, and near year 1 the period
# before and the bounds in a zone east of UTC fall off the calendar (an OverflowError).
EARLIEST = date(2000, 1, 1)


def latest_local_date(timezones: list[str], now: datetime | None = None) -> date:
    """The latest local date among the time zones, so no shop's today counts as the future."""
    now = now or datetime.now(UTC)
    return max((now.astimezone(ZoneInfo(zone)).date() for zone in timezones), default=now.date())


def _invalid(field: str, message) -> PeriodInvalid:
    """The refusal for one field, in the reader's language."""
    return PeriodInvalid({field: str(message)})


def _parse_date(value: str | None, field: str) -> date:
    """An ISO date (YYYY-MM-DD) from this century, from a form field, or PeriodInvalid."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        day = None
    if day is None or day < EARLIEST:
        raise _invalid(field, _l("Please give a date such as 2026-03-29."))
    return day


@dataclass(frozen=True)
class Period:
    """Local calendar days, first..last inclusive, read in EACH location's own time zone."""

    first: date
    last: date

    @classmethod
    def parse(cls, kind: str, first: str | None, last: str | None, today: date) -> Period:
        """The period a filter names, or PeriodInvalid with a message a manager can read."""
        if kind in FIXED_DAYS:
            return cls(today - timedelta(days=FIXED_DAYS[kind] - 1), today)
        if kind != "custom":
            raise _invalid("period", _l("Please choose today, 7 days, 30 days or custom dates."))
        period = cls(_parse_date(first, "first"), _parse_date(last, "last"))
        if period.last < period.first:
            raise _invalid("last", _l("The last day must not be before the first."))
        if period.days > MAX_DAYS:
            raise _invalid("last", _l("Please choose at most two years."))
        if period.last > today:
            raise _invalid("last", _l("Please choose days that have already begun."))
        return period

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    @property
    def days(self) -> int:
        """How many calendar days the period spans."""
        return (self.last - self.first).days + 1

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC, as timestamps are stored, for one location's zone."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first, time(0), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), zone)
        return (
            start.astimezone(UTC).replace(tzinfo=None),
            end.astimezone(UTC).replace(tzinfo=None),
        )
