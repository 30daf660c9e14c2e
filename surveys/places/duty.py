"""Who is on duty at a location and what its staff accounts may do, set by its managers.

A manager on duty lets the kiosk promise that someone will come (`cases/presence.py`). Staff
accounts read the inbox; acknowledging, redeeming coupons and reading contact details are
off until a manager of the location allows them (`people/access.py` applies them)."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l

from surveys.errors import SubmissionInvalid
from surveys.models import Location
from surveys.people.audit import Actor

# Column of Location -> what the manager reads beside its box.
STAFF_PERMISSIONS = {
    "staff_may_acknowledge": _l("Acknowledge cases (“I am on it”)"),
    "staff_may_redeem_coupons": _l("Redeem coupons at the till"),
    "staff_may_see_contact": _l("Read the contact details customers leave"),
}


def set_on_duty(location: Location, on_duty: bool, actor: Actor) -> None:
    """Switch the location's manager on or off duty."""
    before = location.manager_on_duty
    location.manager_on_duty = on_duty
    actor.record("location.duty_changed", location_id=location.id, before=before, after=on_duty)


def set_staff_permissions(location: Location, allowed: Collection[str], actor: Actor) -> None:
    """Allow exactly these staff permissions at the location; unknown names are refused."""
    unknown = set(allowed) - STAFF_PERMISSIONS.keys()
    if unknown:
        raise SubmissionInvalid({"permissions": str(_l("Choose among the permissions shown."))})
    before = {name: getattr(location, name) for name in STAFF_PERMISSIONS}
    after = {name: name in allowed for name in STAFF_PERMISSIONS}
    for name, value in after.items():
        setattr(location, name, value)
    actor.record(
        "location.staff_permissions_changed", location_id=location.id, before=before, after=after
    )
