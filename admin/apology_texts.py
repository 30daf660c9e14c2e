"""The apology e-mail's text per language of a location: owners and its managers edit it."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.guards import actor, location_or_404, manager_required
from admin.rendering import render_page, see_other
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.notify.apology_texts import apology_text, save_apology_texts

PAGE = "admin/locations/apology.html"


def _page(location, texts: dict[str, str], errors=None, status=200):
    return render_page(PAGE, status=status, location=location, texts=texts, errors=errors or {})


@bp.get("/locations/<int:location_id>/apology")
@manager_required
def apology_texts_edit(location_id: int):
    """One text per language the location speaks, pre-filled with what the customer gets."""
    location = location_or_404(location_id)
    texts = {language: apology_text(location, language) for language in location.languages}
    return _page(location, texts)


@bp.post("/locations/<int:location_id>/apology")
@manager_required
def apology_texts_save(location_id: int):
    """Keep the texts; an emptied one goes back to the default."""
    location = location_or_404(location_id)
    try:
        save_apology_texts(location, request.form, actor())
    except SubmissionInvalid as invalid:
        db.session.rollback()
        texts = {
            language: request.form.get(f"text-{language}", "") for language in location.languages
        }
        return _page(location, texts, invalid.errors, 422)
    db.session.commit()
    flash(_("The apology texts of %(name)s are saved.", name=location.name))
    return see_other(url_for("admin.apology_texts_edit", location_id=location.id))
