"""What a dashboard shows: whose locations, which period, and which comments.

Who may see which location is decided here (through surveys/people/access.py), so the numbers of
surveys/reporting/metrics/ are only ever asked for locations the user may see.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _

from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import Location, User, utcnow
from surveys.numbers import whole_number
from surveys.people.access import visible_locations
from surveys.reporting.metrics.period import latest_local_date

DEFAULT_PERIOD = "7d"
RATINGS = range(0, 11)  # faces and stars are 1–5, NPS 0–10


@dataclass(frozen=True)
class DashboardFilter:
    """The filter as the user set it; the period's texts are kept as typed, to show again."""

    locations: tuple[Location, ...]  # every location the user may see, by name
    location_id: int | None = None  # one of them, or None for all
    period: str = DEFAULT_PERIOD
    first: str = ""
    last: str = ""
    topic: str | None = None
    rating: int | None = None

    @property
    def location_ids(self) -> list[int]:
        """The ids the numbers are about: the chosen location, else every visible one."""
        if self.location_id is not None:
            return [self.location_id]
        return [location.id for location in self.locations]

    def today(self, now: datetime | None = None) -> date:
        """The latest local date among the chosen locations, so no shop's today is "future"."""
        chosen = [loc.timezone for loc in self.locations if loc.id in self.location_ids]
        return latest_local_date(chosen, now or utcnow().replace(tzinfo=UTC))


def parse_dashboard_filter(user: User, args: Mapping[str, str]) -> DashboardFilter:
    """The filter from request arguments; another location's id is NotVisible."""
    location_text = (args.get("location") or "").strip()
    rating_text = (args.get("rating") or "").strip()
    location_id = whole_number(location_text)
    rating = whole_number(rating_text, maximum=RATINGS.stop - 1)
    if location_text and location_id is None:
        raise SubmissionInvalid({"location": _("Please choose a location from the list.")})
    if rating_text and rating is None:
        raise SubmissionInvalid({"rating": _("Please choose a rating from the list.")})
    locations = tuple(visible_locations(user))
    if location_id is not None and location_id not in {loc.id for loc in locations}:
        raise NotVisible()  # another's location, or none at all: the same answer
    return DashboardFilter(
        locations=locations,
        location_id=location_id,
        period=(args.get("period") or DEFAULT_PERIOD).strip(),
        first=(args.get("first") or "").strip(),
        last=(args.get("last") or "").strip(),
        topic=(args.get("topic") or "").strip() or None,
        rating=rating,
    )
