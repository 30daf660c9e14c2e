"""Opening hours: a weekly structure of local times, read in the location's time zone.

Stored on Location.opening_hours as {"mon": [["09:00", "18:00"]], "sat": [["10:00", "14:00"]]};
a day that is missing is closed. An interval whose end is not after its start runs past
midnight into the next day ("22:00"-"02:00"); "24:00" is the end of the day.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from surveys.errors import SubmissionInvalid
from surveys.models import Location

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
SPEC_PATTERN = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<hours>.+)$")


def _minutes(value: str) -> int | None:
    """Minutes after midnight of an "HH:MM" time, or None when it is not one."""
    match = TIME_PATTERN.match(value)
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_opening_hours(specs: list[str]) -> dict[str, list[list[str]]]:
    """Read lines like "mon-fri 09:00-18:00" or "sat 10:00-13:00,14:00-17:00"."""
    hours: dict[str, list[list[str]]] = {}
    for spec in specs:
        match = SPEC_PATTERN.match(spec.strip().lower())
        if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise SubmissionInvalid({"opening_hours": _("Cannot read “%(spec)s”.", spec=spec)})
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"] or match["first"])
        intervals = [part.strip().split("-") for part in match["hours"].split(",")]
        for day in DAYS[first : last + 1]:
            hours.setdefault(day, []).extend([list(pair) for pair in intervals])
    return validate_opening_hours(hours)


def validate_opening_hours(hours: object) -> dict[str, list[list[str]]]:
    """The hours when every day is known and every interval is two "HH:MM" times."""
    message = _('Opening hours look like {"mon": [["09:00", "18:00"]]}.')
    if not isinstance(hours, dict) or not set(hours) <= set(DAYS):
        raise SubmissionInvalid({"opening_hours": message})
    for intervals in hours.values():
        if not isinstance(intervals, list):
            raise SubmissionInvalid({"opening_hours": message})
        for interval in intervals:
            if not (isinstance(interval, list) and len(interval) == 2):
                raise SubmissionInvalid({"opening_hours": message})
            if any(not isinstance(t, str) or _minutes(t) is None for t in interval):
                raise SubmissionInvalid({"opening_hours": message})
    return {day: hours[day] for day in DAYS if hours.get(day)}


def _intervals_starting_on(location: Location, day: date) -> list[tuple[datetime, datetime]]:
    """The opening intervals that start on a local calendar day, as local datetimes."""
    result = []
    for start, end in location.opening_hours.get(DAYS[day.weekday()], []):
        opens = datetime.combine(day, time()) + timedelta(minutes=_minutes(start))
        closes = datetime.combine(day, time()) + timedelta(minutes=_minutes(end))
        if closes <= opens:
            closes += timedelta(days=1)
        result.append((opens, closes))
    return result


# How far back a shop that never closes is followed: silence is counted within a week.
MAX_OPEN_DAYS = 7


def opened_at(location: Location, at_utc: datetime) -> datetime | None:
    """When the shop last opened before a moment (naive UTC), or None when closed then.
    Intervals that run into each other count as one: a shop open 00:00-24:00 every day did
    not open again at midnight."""
    zone = ZoneInfo(location.timezone)
    local = at_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    opens = _opening_around(location, local)
    if opens is None:
        return None
    for _day in range(MAX_OPEN_DAYS):
        earlier = _opening_around(location, opens - timedelta(minutes=1))
        if earlier is None:
            break
        opens = earlier
    return opens.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _opening_around(location: Location, local: datetime) -> datetime | None:
    """The local start of the opening interval a local moment falls in, if any."""
    for day in (local.date() - timedelta(days=1), local.date()):
        for opens, closes in _intervals_starting_on(location, day):
            if opens <= local < closes:
                return opens
    return None


def is_open(location: Location, at_utc: datetime) -> bool:
    """Whether the location is open at a moment (naive UTC)."""
    return opened_at(location, at_utc) is not None
