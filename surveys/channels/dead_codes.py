"""A code that opens no survey any more: which shop it genuinely came from, and another way in.

Only a code the shop really signed (expired, or signed with a replaced secret, or of a survey
taken down) names its shop; what a forged or damaged code claims is never believed, so no
one learns shop names or poster links by trying codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.channels.posters import live_poster_survey, poster_code
from surveys.errors import SubmissionError
from surveys.models import Location


@dataclass(frozen=True)
class WayForward:
    """What a dead code's page may offer: the shop (None when unknown) and its poster code."""

    location: Location | None
    poster_code: str | None


def way_forward(error: SubmissionError, dead_code: str) -> WayForward:
    """The shop a refused code proves it is from, and its live poster unless that is this one."""
    location = getattr(error, "location", None)
    if location is None:
        return WayForward(location=None, poster_code=None)
    live = poster_code(location) if live_poster_survey(location) is not None else None
    return WayForward(location=location, poster_code=live if live != dead_code else None)
