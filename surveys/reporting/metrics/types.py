"""What the dashboard numbers look like: plain frozen records, the same for every caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from surveys.reporting.metrics.period import Period


@dataclass(frozen=True)
class Summary:
    responses: int
    average_rating: float | None  # mean main rating of 1–5 scale responses (faces/stars)
    csat: float | None  # share (0..1) of 1–5 responses rated 4 or 5
    nps: float | None  # -100..100 over NPS (0–10) answers; None when none
    negative_share: float | None  # share (0..1) of responses that were negative


@dataclass(frozen=True)
class HeatCell:
    weekday: int  # 0 = Monday … 6 = Sunday, location's local time
    hour: int  # 0..23 local
    responses: int
    csat: float | None


@dataclass(frozen=True)
class GroupRow:
    key: int | str  # location id, staff id, or topic option value
    label: str  # location name, staff name, topic text (in `language`)
    responses: int
    average_rating: float | None
    csat: float | None
    negative_share: float | None
    praise: int = 0  # staff only: times praised


@dataclass(frozen=True)
class Recovery:
    alerts: int  # alerts raised for responses in the period
    median_acknowledge_seconds: float | None
    median_resolve_seconds: float | None
    won_back: int
    neutral: int
    lost: int
    closed: int  # won_back + neutral + lost
    recovery_rate: float | None  # won_back / closed, None when closed == 0 (headline)
    silent_complainers: int  # negative responses whose follow-up stayed "offered"


@dataclass(frozen=True)
class Comment:
    response_id: int
    alert_id: int | None
    location_name: str
    captured_at: datetime  # aware, in the location's time zone
    rating: int | None
    topics: list[str]  # labels in `language`
    text: str


@dataclass(frozen=True)
class Dashboard:
    period: Period
    summary: Summary
    previous: Summary  # same numbers for period.previous()
    heat_map: list[HeatCell]  # all 7 × 24 cells, Monday 0:00 first
    by_location: list[GroupRow]
    by_staff: list[GroupRow]
    by_topic: list[GroupRow]
    recovery: Recovery
    previous_recovery: Recovery
