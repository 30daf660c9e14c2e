"""Counts and sums that add up: one response's contribution, or any group of them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from surveys.reporting.metrics.types import GroupRow, Summary

SATISFIED_AT_OR_ABOVE = 4  # CSAT: a 4 or a 5 on a 1–5 scale
PROMOTER_AT_OR_ABOVE = 9
DETRACTOR_AT_OR_BELOW = 6
# What a heat-map cell shows (responses, CSAT) and a table row shows (Tally.row): the
# rollup reads for cells, staff and topics sum only these (the sort SQLite needs to group
# them costs by the columns carried).
CELL_COUNTERS = ("responses", "rated", "satisfied")
ROW_COUNTERS = ("responses", "rated", "rating_sum", "satisfied", "negative", "praised")


@dataclass
class Tally:
    """Sums that make every dashboard number; adding two tallies adds their responses."""

    responses: int = 0
    rated: int = 0  # responses with a 1–5 main rating (faces, stars)
    rating_sum: int = 0
    satisfied: int = 0  # of those, rated 4 or 5
    negative: int = 0
    praised: int = 0
    silent: int = 0  # negative, follow-up offered and never given
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0

    @classmethod
    def names(cls) -> list[str]:
        """The counter names, in a fixed order (the rollup tables' columns)."""
        return list(NAMES)

    def add(self, other: Tally, sign: int = 1) -> Tally:
        """Add (or with sign -1, take away) another tally in place; returns self."""
        mine, theirs = self.__dict__, other.__dict__
        for name in NAMES:
            mine[name] += sign * theirs[name]
        return self

    def values(self) -> tuple[int, ...]:
        """The counters as a tuple."""
        return tuple(self.__dict__[name] for name in NAMES)

    def is_zero(self) -> bool:
        """Whether nothing is counted."""
        return not any(self.values())

    def summary(self) -> Summary:
        """The headline numbers; None where there is nothing to divide by."""
        return Summary(
            responses=self.responses,
            average_rating=_ratio(self.rating_sum, self.rated),
            csat=_ratio(self.satisfied, self.rated),
            nps=_ratio(100 * (self.promoters - self.detractors), self.nps_answers),
            negative_share=_ratio(self.negative, self.responses),
        )

    def row(self, key: int | str, label: str, praise: bool = False) -> GroupRow:
        """A table row for a location, staff member or topic."""
        return GroupRow(
            key=key,
            label=label,
            responses=self.responses,
            average_rating=_ratio(self.rating_sum, self.rated),
            csat=_ratio(self.satisfied, self.rated),
            negative_share=_ratio(self.negative, self.responses),
            praise=self.praised if praise else 0,
        )


NAMES = tuple(f.name for f in fields(Tally))


def _ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def total(tallies) -> Tally:
    """The sum of many tallies."""
    result = Tally()
    for tally in tallies:
        result.add(tally)
    return result
