"""The audit trail as a person reads it: what was done in words, when in the location's own
time, and what changed from what to what. The rows themselves stay as recorded."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from surveys.db import db
from surveys.labels import AUDIT_ACTION_LABELS, AUDIT_DETAIL_LABELS, CASE_STATUS_LABELS, ROLE_LABELS
from surveys.models import AlertStatus, AuditEvent, Location, Role, User


@dataclass
class AuditLine:
    """One event, ready to show."""

    event: AuditEvent
    what: str
    timezone: str  # the location's; UTC for events of no location
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (setting, before, after)
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # (key, label, value)


def read_events(events: list[AuditEvent]) -> list[AuditLine]:
    """The events in words, with the accounts and locations their ids name."""
    names = _names(events)
    return [_line(event, names) for event in events]


def _line(event: AuditEvent, names: dict) -> AuditLine:
    details = dict(event.details or {})
    before, after = details.pop("before", None), details.pop("after", None)
    line = AuditLine(
        event=event,
        what=str(AUDIT_ACTION_LABELS.get(event.action, event.action)),
        timezone=event.location.timezone if event.location else "UTC",
    )
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            line.changes.append(
                (
                    _label(key),
                    _value(key, before.get(key), names),
                    _value(key, after.get(key), names),
                )
            )
    for key, value in details.items():
        line.facts.append((key, _label(key), _value(key, value, names)))
    return line


def _label(key: str) -> str:
    return str(AUDIT_DETAIL_LABELS.get(key, key))


def _value(key: str, value, names: dict) -> str:
    """A detail's value in words: yes/no, a role or status by name, ids by what they name."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "role" and value in {role.value for role in Role}:
        return str(ROLE_LABELS[Role(value)])
    if key == "status" and value in {status.value for status in AlertStatus}:
        return str(CASE_STATUS_LABELS[AlertStatus(value)])
    if key == "user_id":
        return names["users"].get(value, f"#{value}")
    if key in ("location_ids", "requested_location_id"):
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names["locations"].get(i, f"#{i}") for i in ids) or "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _names(events: list[AuditEvent]) -> dict:
    """The e-mails of the accounts and the names of the locations the events' details name."""
    user_ids, location_ids = set(), set()
    for event in events:
        for part in _parts(event.details or {}):
            if isinstance(part.get("user_id"), int):
                user_ids.add(part["user_id"])
            for key in ("location_ids", "requested_location_id"):
                value = part.get(key)
                values = value if isinstance(value, list) else [value]
                location_ids.update(v for v in values if isinstance(v, int))
    users = db.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
    locations = db.session.execute(
        select(Location.id, Location.name).where(Location.id.in_(location_ids))
    )
    return {"users": dict(users.all()), "locations": dict(locations.all())}


def _parts(details: dict) -> list[dict]:
    """The details and their before and after."""
    return [details] + [details[k] for k in ("before", "after") if isinstance(details.get(k), dict)]
