"""The audit trail is append-only: the application can add rows, never change or remove them."""

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from surveys.db import db
from surveys.models import AuditEvent, User
from surveys.people.audit import Actor, AuditTrailIsAppendOnly, audit_events, record_audit


@pytest.fixture
def event_id(app_context, shops) -> int:
    owner = db.session.get(User, shops.owner)
    event = Actor(owner, "203.0.113.7").record("user.created", location_id=shops.a, user_id=9)
    db.session.commit()
    return event.id


def test_an_event_keeps_actor_place_address_and_ids(event_id, shops):
    event = db.session.get(AuditEvent, event_id)
    assert (event.actor_id, event.location_id, event.client_address) == (
        shops.owner,
        shops.a,
        "203.0.113.7",
    )
    assert event.details == {"user_id": 9} and event.at is not None


def test_changing_an_event_through_the_orm_is_refused(event_id):
    db.session.get(AuditEvent, event_id).action = "nothing.happened"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event_id).action == "user.created"


def test_deleting_an_event_through_the_orm_is_refused(event_id):
    db.session.delete(db.session.get(AuditEvent, event_id))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event_id) is not None


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(action="rewritten"), delete(AuditEvent)],
    ids=["bulk update", "bulk delete"],
)
def test_bulk_statements_on_events_are_refused_before_they_run(event_id, statement):
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_other_tables_are_updated_as_usual(event_id, shops):
    db.session.execute(update(User).where(User.id == shops.owner).values(session_version=5))
    db.session.commit()
    assert db.session.get(User, shops.owner).session_version == 5


def test_the_trail_pages_newest_first(app_context):
    for _ in range(5):
        record_audit("login")
    db.session.flush()
    every_id = sorted(db.session.scalars(select(AuditEvent.id)), reverse=True)
    newest = list(db.session.scalars(audit_events(limit=2)))
    older = list(db.session.scalars(audit_events(before_id=newest[-1].id, limit=2)))
    assert [event.id for event in newest + older] == every_id[:4]


def test_no_application_code_writes_sql_that_changes_audit_rows():
    """The listeners watch the ORM; this catches raw SQL, which they cannot see."""
    root = Path(__file__).resolve().parents[3]
    sources = [root / "wsgi.py", *(root / "surveys").rglob("*.py"), *(root / "admin").rglob("*.py")]
    sources += [*(root / "kiosk").rglob("*.py"), *(root / "api").rglob("*.py")]
    pattern = re.compile(
        r"(update|delete\s+from)\s+\"?audit_event\b|(update|delete)\(\s*AuditEvent\b", re.I
    )
    offenders = [str(path) for path in sources if pattern.search(path.read_text())]
    assert offenders == []
