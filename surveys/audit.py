"""The audit trail: one append-only row per login, refusal and case action."""

from surveys.db import db
from surveys.models import AuditEvent, User


def record_audit(
    action: str,
    *,
    actor: User | None = None,
    location_id: int | None = None,
    client_address: str | None = None,
    **details,
) -> AuditEvent:
    """Write an audit event in the caller's transaction. Never put personal data in details."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        location_id=location_id,
        client_address=client_address,
        details=details,
    )
    db.session.add(event)
    return event
