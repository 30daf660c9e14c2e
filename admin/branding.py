"""Branding per location: the name, logo and accent colour of its kiosk and link pages."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.guards import location_or_404, survey_editors_required
from admin.rendering import go_to, render_page
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, LocationBrand
from surveys.people.access import visible_locations
from surveys.people.audit import record_audit
from surveys.places.branding import MAX_LOGO_BYTES, brand_of, update_brand

# Room for a 512 KB logo and the form around it; anything bigger is refused as 413 before
# it is read. Raised before CSRFProtect parses the body, which it does first of all.
BRANDING_BODY_LIMIT = MAX_LOGO_BYTES + 64 * 1024


@bp.url_value_preprocessor
def _allow_logo_uploads(endpoint, _values):
    """Let the branding form carry a logo; every other admin form keeps the small limit."""
    if endpoint == "admin.branding_update":
        request.max_content_length = BRANDING_BODY_LIMIT


@bp.get("/branding/")
@survey_editors_required
def branding_list():
    """Every location with its name, logo and colour."""
    brands = [(location, brand_of(location)) for location in visible_locations(current_user)]
    return render_page("admin/branding/list.html", brands=brands)


def _form(location: Location, status: int = 200, errors=None, values=None):
    row = db.session.get(LocationBrand, location.id)
    if values is None:
        values = {
            "display_name": (row.display_name if row else None) or "",
            "accent_color": (row.accent_color if row else None) or "",
        }
    return render_page(
        "admin/branding/edit.html",
        "admin/branding/_form.html",
        status,
        location=location,
        brand=brand_of(location),
        values=values,
        errors=errors or {},
    )


@bp.get("/branding/<int:location_id>")
@survey_editors_required
def branding_edit(location_id: int):
    """The branding form of one location."""
    return _form(location_or_404(location_id))


@bp.post("/branding/<int:location_id>")
@survey_editors_required
def branding_update(location_id: int):
    """Check the name, colour and logo together, then store them, or say what is wrong."""
    location = location_or_404(location_id)
    upload = request.files.get("logo")
    logo = upload.read() if upload and upload.filename else None
    values = {key: request.form.get(key, "") for key in ("display_name", "accent_color")}
    try:
        update_brand(
            location,
            values["display_name"],
            values["accent_color"],
            logo,
            remove_logo=request.form.get("remove_logo") == "yes",
        )
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return _form(location, 422, invalid.errors, values)
    record_audit("branding.saved", actor=current_user, location_id=location.id)
    db.session.commit()
    flash(_("The branding of %(location)s is saved.", location=location.name))
    return go_to(url_for("admin.branding_edit", location_id=location.id))
