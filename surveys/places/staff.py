"""A location's staff list: the names a customer may pick as the person who served them."""

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, Staff
from surveys.people.audit import Actor

MAX_NAME_LENGTH = 80


def staff_of(location: Location) -> Select:
    """The location's staff, active first, by name."""
    return (
        select(Staff)
        .where(Staff.location_id == location.id)
        .order_by(Staff.active.desc(), Staff.name, Staff.id)
    )


def _clean_name(location_id: int, name: str, member: Staff | None = None) -> str:
    """A valid name, not already used by another active member of the location."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        message = _("A name needs 1 to %(count)d characters.", count=MAX_NAME_LENGTH)
        raise SubmissionInvalid({"name": message})
    duplicate = select(Staff.id).where(
        Staff.location_id == location_id,
        Staff.active.is_(True),
        func.lower(Staff.name) == name.lower(),
    )
    if member is not None:
        duplicate = duplicate.where(Staff.id != member.id)
    if db.session.scalar(duplicate) is not None:
        message = _("Someone on this staff list already has this name; add an initial.")
        raise SubmissionInvalid({"name": message})
    return name


def add_staff(location: Location, name: str, actor: Actor) -> Staff:
    """Add a person to the location's staff list."""
    member = Staff(location_id=location.id, name=_clean_name(location.id, name))
    db.session.add(member)
    db.session.flush()
    actor.record("staff.created", location_id=location.id, staff_id=member.id)
    return member


def rename_staff(member: Staff, name: str, actor: Actor) -> None:
    """Correct a staff member's name."""
    member.name = _clean_name(member.location_id, name, member)
    actor.record("staff.renamed", location_id=member.location_id, staff_id=member.id)


def set_staff_active(member: Staff, active: bool, actor: Actor) -> None:
    """Take someone off the list customers see, or put them back; their feedback stays."""
    if active and not member.active:
        _clean_name(member.location_id, member.name, member)
    member.active = active
    action = "staff.reactivated" if active else "staff.deactivated"
    actor.record(action, location_id=member.location_id, staff_id=member.id)
