"""Who may see what: owners see every location, managers and staff only their own."""

from sqlalchemy import Select, select

from surveys.db import db
from surveys.models import Location, Role, User


def visible_location_ids(user: User) -> set[int] | None:
    """The ids of the locations a user may see; None means every location (an owner)."""
    if user.role == Role.OWNER:
        return None
    return {location.id for location in user.locations}


def can_see_location(user: User, location_id: int) -> bool:
    """Whether the user may see anything of this location."""
    visible = visible_location_ids(user)
    return visible is None or location_id in visible


def restrict_to_visible(statement: Select, user: User, location_column) -> Select:
    """Narrow a query to the rows of the locations the user may see."""
    visible = visible_location_ids(user)
    if visible is None:
        return statement
    return statement.where(location_column.in_(visible))


def can_act_on_location(user: User, location_id: int) -> bool:
    """Owners and managers work their locations' cases; staff only what `can_acknowledge` and
    the other staff permissions allow."""
    return user.role != Role.STAFF and can_see_location(user, location_id)


def _allowed(user: User, location: Location, staff_permission: bool) -> bool:
    """Owners and managers of the location; its staff only where the location allows it."""
    if not can_see_location(user, location.id):
        return False
    return user.role != Role.STAFF or staff_permission


def can_acknowledge(user: User, location: Location) -> bool:
    """Who may say "I am on it" to a case of the location."""
    return _allowed(user, location, location.staff_may_acknowledge)


def can_redeem_coupons(user: User, location: Location) -> bool:
    """Who may accept a coupon of the location at the till."""
    return _allowed(user, location, location.staff_may_redeem_coupons)


def can_redeem_anywhere(user: User) -> bool:
    """Whether the till page is any use to this user: a location whose coupons they may take."""
    return any(can_redeem_coupons(user, location) for location in visible_locations(user))


def can_see_contact(user: User, location: Location) -> bool:
    """Who may read the contact details a customer of the location left."""
    return _allowed(user, location, location.staff_may_see_contact)


def is_owner(user: User) -> bool:
    """Owners manage accounts and locations, and see the audit trail."""
    return user.role == Role.OWNER


def can_manage_locations_setup(user: User) -> bool:
    """Owners and managers look after staff lists and tablets; staff only read the inbox."""
    return user.role in (Role.OWNER, Role.MANAGER)


def visible_locations(user: User) -> list[Location]:
    """The locations a user may see, by name."""
    statement = restrict_to_visible(select(Location).order_by(Location.name), user, Location.id)
    return list(db.session.scalars(statement))


def can_view_dashboards(user: User) -> bool:
    """Owners and managers read the dashboards; staff, who would see colleagues' numbers, not."""
    return user.role in (Role.OWNER, Role.MANAGER)
