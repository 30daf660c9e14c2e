"""Locations: owners create and edit them; managers see theirs, to reach staff and tablets."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.guards import actor, location_or_404, manager_required, owner_required
from admin.rendering import render_page, see_other
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location
from surveys.people.access import is_owner, visible_locations
from surveys.places.duty import set_on_duty
from surveys.places.locations import LocationFields, add_location, time_zones, update_location
from surveys.places.money import currencies

FORM_PAGE = "admin/locations/form.html"


def _submitted() -> LocationFields:
    """The location form as posted."""
    form = request.form
    return LocationFields(
        name=form.get("name", ""),
        timezone=form.get("timezone", ""),
        languages=form.getlist("languages"),
        default_language=form.get("default_language", ""),
        response_interval_seconds=form.get("response_interval_seconds", ""),
        idle_timeout_seconds=form.get("idle_timeout_seconds", ""),
        thank_you_seconds=form.get("thank_you_seconds", ""),
        contact_retention_days=form.get("contact_retention_days", ""),
        currency=form.get("currency", ""),
        escalate_after_minutes=form.get("escalate_after_minutes", ""),
        resolve_within_hours=form.get("resolve_within_hours", ""),
    )


def _form(fields: LocationFields, location: Location | None = None, errors=None, status=200):
    """The location form, empty, filled in, or with what was wrong."""
    return render_page(
        FORM_PAGE,
        status=status,
        location=location,
        fields=fields,
        errors=errors or {},
        time_zones=time_zones(),
        currencies=currencies(),
    )


@bp.get("/locations/")
@manager_required
def locations_list():
    """The locations the user may see, with links to their staff and tablets."""
    return render_page(
        "admin/locations/list.html",
        locations=visible_locations(current_user),
        can_edit=is_owner(current_user),
    )


@bp.get("/locations/new")
@owner_required
def location_new():
    """An empty location form."""
    return _form(LocationFields())


@bp.post("/locations/")
@owner_required
def locations_create():
    """Create the location."""
    fields = _submitted()
    try:
        location = add_location(fields, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(fields, errors=invalid.errors, status=422)
    db.session.commit()
    flash(_("%(name)s is added. Add its staff and tablets next.", name=location.name))
    return see_other(url_for("admin.locations_list"))


@bp.get("/locations/<int:location_id>/edit")
@owner_required
def location_edit(location_id: int):
    """The location form filled in."""
    location = location_or_404(location_id)
    return _form(LocationFields.of(location), location)


@bp.post("/locations/<int:location_id>")
@owner_required
def location_update(location_id: int):
    """Save the location's settings."""
    location = location_or_404(location_id)
    fields = _submitted()
    try:
        update_location(location, fields, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(fields, location, invalid.errors, 422)
    db.session.commit()
    flash(_("%(name)s is saved.", name=location.name))
    return see_other(url_for("admin.locations_list"))


@bp.post("/locations/<int:location_id>/duty")
@manager_required
def location_duty(location_id: int):
    """On or off duty: whether the kiosk may promise that someone will come."""
    location = location_or_404(location_id)
    on_duty = request.form.get("on_duty") == "on"
    set_on_duty(location, on_duty, actor())
    db.session.commit()
    if on_duty:
        flash(_("A manager is on duty at %(name)s.", name=location.name))
    else:
        flash(_("Nobody is on duty at %(name)s now.", name=location.name))
    return see_other(url_for("admin.locations_list"))
