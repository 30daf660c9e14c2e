"""A location's staff: managers add, rename, deactivate and reactivate the people customers
may name, and choose what staff accounts may do there."""

from flask import request, url_for

from admin import bp
from admin.guards import actor, location_or_404, manager_required, scoped_or_404
from admin.rendering import render_page, see_other, wants_partial
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, Staff
from surveys.places.duty import STAFF_PERMISSIONS, set_staff_permissions
from surveys.places.staff import add_staff, rename_staff, set_staff_active, staff_of

PAGE = "admin/staff/list.html"
SECTION = "admin/staff/_section.html"


def _section(location: Location, status: int = 200, **form_state):
    """The staff list with its add form; form_state carries errors and typed values."""
    form_state.setdefault("errors", {})
    members = list(db.session.scalars(staff_of(location)))
    return render_page(
        PAGE,
        SECTION,
        status,
        location=location,
        members=members,
        staff_permissions=STAFF_PERMISSIONS,
        **form_state,
    )


def _done(location: Location):
    """After a change: the fresh section for htmx, else back to the list page."""
    if wants_partial():
        return _section(location)
    return see_other(url_for("admin.staff_list", location_id=location.id))


@bp.get("/locations/<int:location_id>/staff/")
@manager_required
def staff_list(location_id: int):
    """The location's staff, active first."""
    return _section(location_or_404(location_id))


@bp.post("/locations/<int:location_id>/staff/")
@manager_required
def staff_create(location_id: int):
    """Add a person to the list."""
    location = location_or_404(location_id)
    name = request.form.get("name", "")
    try:
        add_staff(location, name, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(location, 422, errors={"new": invalid.errors["name"]}, new_name=name)
    db.session.commit()
    return _done(location)


@bp.post("/staff/<int:staff_id>")
@manager_required
def staff_update(staff_id: int):
    """Rename a person."""
    member = scoped_or_404(Staff, staff_id)
    name = request.form.get("name", "")
    try:
        rename_staff(member, name, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        errors = {member.id: invalid.errors["name"]}
        return _section(member.location, 422, errors=errors, typed={member.id: name})
    db.session.commit()
    return _done(member.location)


@bp.post("/staff/<int:staff_id>/deactivate")
@manager_required
def staff_deactivate(staff_id: int):
    """Take a person off the list customers see."""
    return _set_active(staff_id, False)


@bp.post("/staff/<int:staff_id>/reactivate")
@manager_required
def staff_reactivate(staff_id: int):
    """Put a person back on the list."""
    return _set_active(staff_id, True)


def _set_active(staff_id: int, active: bool):
    """Deactivate or reactivate, then show the list."""
    member = scoped_or_404(Staff, staff_id)
    try:
        set_staff_active(member, active, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(member.location, 422, errors={member.id: invalid.errors["name"]})
    db.session.commit()
    return _done(member.location)


@bp.post("/locations/<int:location_id>/staff-permissions")
@manager_required
def location_staff_permissions(location_id: int):
    """What the location's staff accounts may do besides reading the inbox."""
    location = location_or_404(location_id)
    try:
        set_staff_permissions(location, request.form.getlist("permissions"), actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _section(location, 422, errors=invalid.errors)
    db.session.commit()
    return _done(location)
