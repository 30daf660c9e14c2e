"""Who may open which admin page, in one place: role decorators and fetch-or-404 helpers.

A role too low for a page gets 403, whatever the ids in the address. An object of a
location the user may not see gets 404, the same as one that does not exist, so ids of
other shops leak nothing. Every refusal is audited.
"""

from functools import wraps
from typing import NoReturn, TypeVar

from flask import abort, request
from flask_login import current_user

from surveys.authoring.access import can_edit_surveys, can_view_surveys
from surveys.db import db
from surveys.models import Location, User
from surveys.people.access import (
    can_manage_locations_setup,
    can_see_location,
    can_view_dashboards,
    is_owner,
)
from surveys.people.audit import Actor

Model = TypeVar("Model")


def actor() -> Actor:
    """The signed-in user and their address, for services that audit what they do."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user, request.remote_addr)


def refuse(status: int, location_id: int | None = None) -> NoReturn:
    """Audit the refused request, keep only that record, and stop with the status."""
    db.session.rollback()
    ids = {name: value for name, value in (request.view_args or {}).items() if type(value) is int}
    # The address names a location that may not exist: a detail, not the event's location.
    if "location_id" in ids:
        ids["requested_location_id"] = ids.pop("location_id")
    actor().record(
        "access.refused", location_id=location_id, endpoint=request.endpoint, status=status, **ids
    )
    db.session.commit()
    abort(status)


def _role_required(allowed):
    """A decorator refusing (403) users for whom allowed(user) is false."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                refuse(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


owner_required = _role_required(is_owner)
manager_required = _role_required(can_manage_locations_setup)
dashboards_required = _role_required(can_view_dashboards)
surveys_required = _role_required(can_view_surveys)
survey_editors_required = _role_required(can_edit_surveys)  # surveys, assignments, branding


def location_or_404(location_id: int, user: User | None = None) -> Location:
    """The location, if it exists and the user may see it; else 404."""
    user = user or current_user
    location = db.session.get(Location, location_id)
    if location is None or not can_see_location(user, location.id):
        refuse(404, location.id if location else None)
    return location


def scoped_or_404(model: type[Model], object_id: int, user: User | None = None) -> Model:
    """An object that belongs to a location (it has location_id) the user may see; else 404."""
    user = user or current_user
    found = db.session.get(model, object_id)
    if found is None or not can_see_location(user, found.location_id):
        refuse(404, found.location_id if found else None)
    return found


def record_or_404(model: type[Model], object_id: int) -> Model:
    """An object of no particular location (an account), for pages only owners open."""
    found = db.session.get(model, object_id)
    if found is None:
        refuse(404)
    return found
