"""The audit trail: one append-only row per login, refusal and case action."""

from dataclasses import dataclass

from sqlalchemy import Select, event, select
from sqlalchemy.orm import Session, selectinload

from surveys.db import db
from surveys.models import AuditEvent, User


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@dataclass(frozen=True)
class Actor:
    """Who does something and from where: what every audited service is given."""

    user: User | None
    client_address: str | None = None

    def record(self, action: str, *, location_id: int | None = None, **details) -> AuditEvent:
        """Write an audit event for this actor. Details hold ids, never personal data."""
        return record_audit(
            action,
            actor=self.user,
            location_id=location_id,
            client_address=self.client_address,
            **details,
        )


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


def audit_events(before_id: int | None = None, limit: int = 100) -> Select:
    """The newest audit events, or those older than before_id: a page of the trail."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    return statement.options(selectinload(AuditEvent.actor), selectinload(AuditEvent.location))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target: AuditEvent):
    """A flush that would change an audit event fails, and its transaction with it."""
    raise AuditTrailIsAppendOnly(f"audit event {target.id} may not be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target: AuditEvent):
    """A flush that would delete an audit event fails."""
    raise AuditTrailIsAppendOnly(f"audit event {target.id} may not be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    """Bulk UPDATE and DELETE statements on audit events are refused before they run."""
    if not (state.is_update or state.is_delete):
        return
    if any(mapper.class_ is AuditEvent for mapper in state.all_mappers):
        raise AuditTrailIsAppendOnly("audit events may not be changed or deleted")
