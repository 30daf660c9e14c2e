"""Who may see what: owners see every location, managers and staff only their own."""

from sqlalchemy import Select

from surveys.models import Role, User


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
    """Owners and managers act on their locations' cases; staff only read."""
    return user.role != Role.STAFF and can_see_location(user, location_id)
