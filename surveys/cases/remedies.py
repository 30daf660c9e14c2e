"""The remedies of a case as the case page, the export and any total read them."""

from dataclasses import dataclass
from datetime import datetime

from surveys.models import Alert, Remedy
from surveys.places.money import DEFAULT_CURRENCY


@dataclass(frozen=True)
class RemedyLine:
    """One remedy: what, how much (minor units of its currency), why, when, by whom."""

    kind: Remedy
    amount_minor: int | None
    currency: str
    note: str | None
    added_at: datetime | None
    added_by: str | None


def case_remedies(alert: Alert) -> list[RemedyLine]:
    """Every remedy of the case, oldest first.

    Cases written before remedies had their own table (and the demo's bulk history) keep
    their one remedy on the alert's columns; it reads as a list of one."""
    if alert.remedies:
        return [
            RemedyLine(
                row.kind,
                row.amount_minor,
                row.currency,
                row.note,
                row.added_at,
                row.added_by.email if row.added_by else None,
            )
            for row in alert.remedies
        ]
    if alert.remedy is None:
        return []
    return [
        RemedyLine(
            alert.remedy,
            alert.amount_cents,
            alert.location.currency or DEFAULT_CURRENCY,
            alert.remedy_note,
            alert.resolved_at,
            None,
        )
    ]


def remedy_totals(lines: list[RemedyLine]) -> dict[str, int]:
    """What the remedies cost, per currency, in minor units (one entry almost always)."""
    totals: dict[str, int] = {}
    for line in lines:
        if line.amount_minor:
            totals[line.currency] = totals.get(line.currency, 0) + line.amount_minor
    return totals
