"""The cases of the demo history: each negative response's alert, taken as far as its age
allows (recent ones new, old ones closed), with a timeline whose times follow each other."""

import random
from datetime import datetime, timedelta

from surveys.models import AlertStatus, EventKind, Outcome, Remedy

# Every state the inbox and the dashboard know; the history holds at least one of each.
CASE_STATES = (
    "new",
    "acknowledged",
    "resolved",
    "follow_up",
    "reopened",
    "won_back",
    "neutral",
    "lost",
)
CLOSED_STATES = {"won_back": Outcome.WON_BACK, "neutral": Outcome.NEUTRAL, "lost": Outcome.LOST}
REMEDIES = (
    (Remedy.APOLOGY, 45, None),
    (Remedy.REPLACEMENT, 20, None),
    (Remedy.COUPON, 15, 500),
    (Remedy.REFUND, 10, 1200),
    (Remedy.OTHER, 10, None),
)


def case_state(age: timedelta, rng: random.Random) -> str:
    """How far a case of this age has come: the older, the likelier it is closed."""
    hours = age.total_seconds() / 3600
    if hours < 2:
        return rng.choices(("new", "acknowledged"), (6, 4))[0]
    if hours < 24:
        return rng.choices(("new", "acknowledged", "resolved", "follow_up"), (2, 4, 3, 2))[0]
    if hours < 96:
        states = ("acknowledged", "resolved", "follow_up", "won_back", "neutral", "lost")
        return rng.choices(states, (1, 3, 2, 5, 2, 1))[0]
    states = ("resolved", "reopened", "won_back", "neutral", "lost")
    return rng.choices(states, (6, 2, 55, 22, 15))[0]


def _steps(state: str, created: datetime, now: datetime, rng: random.Random) -> list[datetime]:
    """The moments of acknowledging, resolving, closing and reopening that the state needs,
    squeezed before now when the case is younger than its usual pace."""
    needed = {"new": 0, "acknowledged": 1, "resolved": 2, "follow_up": 2, "reopened": 4}
    gaps = [
        timedelta(minutes=1 + rng.expovariate(1 / 6)),
        timedelta(minutes=5 + rng.expovariate(1 / 40)),
        timedelta(days=rng.uniform(1, 7)),
        timedelta(days=rng.uniform(0.5, 3)),
    ][: needed.get(state, 3)]
    room = now - created
    total = sum(gaps, timedelta())
    if total > room * 0.9:
        gaps = [gap * (room * 0.9 / total) for gap in gaps]
    moments, at = [], created
    for gap in gaps:
        at += gap
        moments.append(at)
    return moments


def case_rows(case: dict, state: str, now: datetime, rng: random.Random) -> tuple[dict, list]:
    """The alert row and its timeline for a case in a given state.

    `case` holds id, response_id, location_id, created_at, actor_id and details_at (when
    the customer finished the follow-up, or None).
    """
    created, actor = case["created_at"], case["actor_id"]
    moments = _steps(state, created, now, rng)
    alert = _alert_row(case, state, moments)
    events = []
    if case["details_at"] is not None:
        events.append((case["details_at"], None, EventKind.DETAILS_ADDED, None, {}))
    if len(moments) >= 1:
        events.append((moments[0], actor, EventKind.ACKNOWLEDGED, None, {}))
    if len(moments) >= 2:
        _resolve(alert, moments[1], actor, rng, events)
    if state == "follow_up":
        alert["follow_up_at"] = now + timedelta(days=rng.uniform(1, 4))
        data = {"at": alert["follow_up_at"].isoformat()}
        events.append((moments[1], actor, EventKind.FOLLOW_UP_SCHEDULED, None, data))
    if len(moments) >= 3:
        outcome = CLOSED_STATES.get(state, Outcome.NEUTRAL)
        events.append((moments[2], actor, EventKind.CLOSED, None, {"outcome": outcome.value}))
    if state == "reopened":
        note = "The customer wrote again."
        events.append((moments[3], actor, EventKind.REOPENED, note, {}))
    return alert, sorted(events, key=lambda event: event[0])


def _alert_row(case: dict, state: str, moments: list[datetime]) -> dict:
    """The alert's columns for its state; the remedy is filled in by _resolve."""
    status = {
        "new": AlertStatus.NEW,
        "acknowledged": AlertStatus.ACKNOWLEDGED,
        "reopened": AlertStatus.REOPENED,
    }.get(state, AlertStatus.CLOSED if state in CLOSED_STATES else AlertStatus.RESOLVED)
    closed = state in CLOSED_STATES
    handled = bool(moments)
    return {
        "id": case["id"],
        "response_id": case["response_id"],
        "device_id": None,
        "location_id": case["location_id"],
        "status": status.value,
        "reason": "rating",
        "created_at": case["created_at"],
        "escalated_at": None,
        "version": 1,
        "assigned_to_id": case["actor_id"] if handled else None,
        "acknowledged_at": moments[0] if handled else None,
        "acknowledged_by_id": case["actor_id"] if handled else None,
        "resolved_at": moments[1] if len(moments) >= 2 else None,
        "remedy": None,
        "remedy_note": None,
        "amount_cents": None,
        "follow_up_at": None,
        "closed_at": moments[2] if closed else None,
        "outcome": CLOSED_STATES[state].value if closed else None,
    }


def _resolve(alert: dict, at: datetime, actor, rng: random.Random, events: list) -> None:
    """Record a remedy on the alert and its timeline."""
    remedy, _weight, amount = rng.choices(REMEDIES, [r[1] for r in REMEDIES])[0]
    note = "Called the customer back." if remedy == Remedy.OTHER else None
    alert.update(remedy=remedy.value, remedy_note=note, amount_cents=amount)
    data = {"remedy": remedy.value, "amount_cents": amount}
    events.append((at, actor, EventKind.RESOLVED, note, data))
