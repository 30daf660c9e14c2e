"""The audit trail: one append-only row per login, refusal and case action."""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session, selectinload

from surveys.db import db
from surveys.models import AuditEvent, User


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


class PersonalDataInAudit(ValueError):
    """Raised when audit details would hold an e-mail address or a phone number."""


# Details hold ids and codes. What looks like an address or a number is refused at the
# door, so the append-only trail never needs to forget anyone (see surveys/privacy/erasure.py).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Only an international number: a bare run of digits could as well be a date or an id.
_PHONE = re.compile(r"^\+[0-9][0-9 ()./-]{6,24}$")
# The session.info flag under which an erase may rewrite audit details, and nothing else.
REDACTING = "counterpulse.redacting_audit_details"


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
    _refuse_personal_data(details)
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        location_id=location_id,
        client_address=client_address,
        details=details,
    )
    db.session.add(event)
    return event


def _refuse_personal_data(value) -> None:
    """Raise PersonalDataInAudit when a detail, however nested, looks like an address."""
    if isinstance(value, dict):
        for item in value.values():
            _refuse_personal_data(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_personal_data(item)
    elif isinstance(value, str) and (_EMAIL.search(value) or _PHONE.match(value.strip())):
        raise PersonalDataInAudit("audit details hold ids, never e-mail addresses or phones")


@contextmanager
def redacting_audit_details():
    """The one exception to append-only: an erase may rewrite the details of existing rows.

    Only the ORM unit of work in this session, only the `details` column; bulk statements and
    deletes stay refused.
    """
    db.session.info[REDACTING] = True
    try:
        yield
    finally:
        db.session.info.pop(REDACTING, None)


def audit_events(before_id: int | None = None, limit: int = 100) -> Select:
    """The newest audit events, or those older than before_id: a page of the trail."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    return statement.options(selectinload(AuditEvent.actor), selectinload(AuditEvent.location))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target: AuditEvent):
    """A flush that would change an audit event fails, and its transaction with it."""
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if state.session is not None and state.session.info.get(REDACTING) and changed <= {"details"}:
        return
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
