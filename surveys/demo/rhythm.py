"""When demo customers come: opening hours, busier weekends, lunch and after-work peaks, and
one bad Tuesday afternoon, all in the location's own time zone."""

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from surveys.models import Location
from surveys.places.opening_hours import _intervals_starting_on

# Monday first: weekends are the busiest days.
WEEKDAY_WEIGHTS = (0.85, 0.9, 0.9, 0.95, 1.1, 1.4, 1.3)
DEFAULT_HOURS = [["09:00", "21:00"]]  # for a location whose hours are not set
BAD_TUESDAY_HOURS = (14, 17)  # local time, start inclusive, end exclusive
TUESDAY = 1


@dataclass(frozen=True)
class Slot:
    """A stretch of opening time (at most an hour), naive UTC, and how busy it is."""

    start: datetime
    seconds: float
    weight: float
    local_hour: int


def hour_weight(hour: float) -> float:
    """A quiet base with a lunch peak around 12:30 and an after-work peak around 18:00."""
    lunch = math.exp(-(((hour - 12.5) / 1.1) ** 2))
    evening = 0.9 * math.exp(-(((hour - 18.0) / 1.3) ** 2))
    return 0.3 + lunch + evening


def local_today(location: Location, now: datetime) -> date:
    """The location's calendar day at a naive UTC moment."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(location.timezone)).date()


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local time in a zone as naive UTC."""
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def open_slots(location: Location, days: int, now: datetime, rng: random.Random) -> list[Slot]:
    """The opening time of the last `days` local days up to now, in weighted slots."""
    zone = ZoneInfo(location.timezone)
    hours = location.opening_hours or dict.fromkeys(("mon", "tue", "wed", "thu"), DEFAULT_HOURS)
    if not location.opening_hours:
        hours |= dict.fromkeys(("fri", "sat", "sun"), DEFAULT_HOURS)
    shaped = SimpleNamespace(opening_hours=hours)  # the hours the reader below needs
    today = local_today(location, now)
    slots: list[Slot] = []
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        busy = WEEKDAY_WEIGHTS[day.weekday()] * rng.uniform(0.85, 1.15)
        for opens, closes in _intervals_starting_on(shaped, day):
            slots += _hour_slots(opens, closes, zone, busy, now)
    return slots


def _hour_slots(opens, closes, zone: ZoneInfo, busy: float, now: datetime) -> list[Slot]:
    """An opening interval cut at hour boundaries, weighted, without the future."""
    slots = []
    cursor = opens
    while cursor < closes:
        boundary = min(closes, cursor.replace(minute=0, second=0) + timedelta(hours=1))
        start, end = to_utc(cursor, zone), min(to_utc(boundary, zone), now)
        if end > start:
            seconds = (end - start).total_seconds()
            weight = busy * hour_weight(cursor.hour + 0.5) * seconds / 3600
            slots.append(Slot(start, seconds, weight, cursor.hour))
        cursor = boundary
    return slots


def visit_times(slots: list[Slot], count: int, rng: random.Random):
    """`count` moments spread over the slots by their weights, oldest first, each with its
    local hour."""
    if not slots or count <= 0:
        return []
    cumulative, total = [], 0.0
    for slot in slots:
        total += slot.weight
        cumulative.append(total)
    chosen = rng.choices(slots, cum_weights=cumulative, k=count)
    moments = (
        (s.start + timedelta(seconds=rng.random() * s.seconds), s.local_hour) for s in chosen
    )
    return sorted(moments, key=lambda moment: moment[0])


def bad_tuesday(location: Location, days: int, now: datetime) -> tuple[datetime, datetime] | None:
    """The afternoon of the last Tuesday before today (naive UTC), if within the span."""
    today = local_today(location, now)
    back = (today.weekday() - TUESDAY) % 7 or 7
    day = today - timedelta(days=back)
    if back > days:
        return None
    zone = ZoneInfo(location.timezone)
    first, last = BAD_TUESDAY_HOURS
    start = to_utc(datetime.combine(day, time(first)), zone)
    return start, to_utc(datetime.combine(day, time(last)), zone)


def burst_times(window: tuple[datetime, datetime], count: int, rng: random.Random):
    """`count` moments inside the bad afternoon, oldest first."""
    start, end = window
    seconds = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=rng.random() * seconds) for _ in range(count))
