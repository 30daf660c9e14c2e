"""What a digest says: the period's numbers from surveys.reporting.metrics, as plain JSON facts that
the outbox keeps and renders at delivery, in the reader's language."""

from flask import current_app
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Alert, Location
from surveys.reporting.metrics import Period, dashboard


def open_cases(location_ids: list[int]) -> int:
    """Cases of these locations still waiting for someone: new, acknowledged or reopened."""
    return db.session.scalar(
        select(func.count())
        .select_from(Alert)
        .where(Alert.location_id.in_(location_ids), Alert.status.in_(Alert.OPEN_STATUSES))
    )


def digest_facts(location_ids: list[int], period: Period, language: str, frequency: str) -> dict:
    """The digest's facts: where, when, and the period's numbers beside the previous one's."""
    board = dashboard(location_ids, period, language)
    names = db.session.scalars(
        select(Location.name).where(Location.id.in_(location_ids)).order_by(Location.name)
    )
    worst = board.by_topic[0] if board.by_topic else None
    return {
        "frequency": frequency,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "locations": list(names),
        "responses": board.summary.responses,
        "previous_responses": board.previous.responses,
        "csat": board.summary.csat,
        "previous_csat": board.previous.csat,
        "recovery_rate": board.recovery.recovery_rate,
        "previous_recovery_rate": board.previous_recovery.recovery_rate,
        "won_back": board.recovery.won_back,
        "closed": board.recovery.closed,
        "open_cases": open_cases(location_ids),
        "worst_topic": worst.label if worst else None,
        "worst_topic_responses": worst.responses if worst else 0,
        "dashboard_url": current_app.config["PUBLIC_URL"].rstrip("/") + "/admin/dashboard/",
    }
