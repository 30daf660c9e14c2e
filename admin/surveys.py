"""The survey editor: list, create from a template, edit (a new version when live), assign."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.guards import survey_editors_required, surveys_required
from admin.rendering import go_to, render_page
from admin.survey_pages import editor_context, labels, survey_or_404
from admin.survey_preview import preview_options, render_preview
from surveys.authoring.access import visible_assignments, visible_surveys
from surveys.authoring.assignments import assign_slots, parse_slots
from surveys.authoring.form import apply_action, parse_survey_form, validate_survey
from surveys.authoring.templates import TEMPLATES, create_from_template
from surveys.authoring.versions import draft_of, save_survey
from surveys.db import db
from surveys.errors import SubmissionError
from surveys.models import Survey
from surveys.people.access import visible_locations
from surveys.people.audit import record_audit

# A survey in six scripts posts far more than the app-wide 64 KB a kiosk tap may send.
LARGER_BODIES = {"admin.survey_update": 512 * 1024}


@bp.url_value_preprocessor
def _allow_larger_editor_forms(endpoint, _values):
    """Raise the body limit for the editor; this runs before CSRFProtect reads the form."""
    if endpoint in LARGER_BODIES:
        request.max_content_length = LARGER_BODIES[endpoint]


@bp.get("/surveys/")
@surveys_required
def surveys_list():
    """Every survey the user may see, and for owners the ready templates."""
    surveys = list(db.session.scalars(visible_surveys(current_user)))
    names = {location.id: location.name for location in visible_locations(current_user)}
    shown_at = {
        s.id: sorted({names[a.location_id] for a in visible_assignments(current_user, s)})
        for s in surveys
    }
    return render_template(
        "admin/surveys/list.html", surveys=surveys, shown_at=shown_at, templates=TEMPLATES
    )


@bp.post("/surveys/")
@survey_editors_required
def surveys_create():
    """A new survey from a ready-made template, in one click."""
    template = request.form.get("template", "")
    if template not in TEMPLATES:
        abort(422)  # only a tampered form names no known template
    survey = create_from_template(template)
    record_audit("survey.created", actor=current_user, survey_id=survey.id, template=template)
    db.session.commit()
    flash(_("The survey “%(name)s” is ready to edit.", name=survey.name))
    return redirect(url_for("admin.survey_edit", survey_id=survey.id), code=303)


def _editor(survey: Survey, draft=None, errors=None, status=200, dirty=False):
    context = editor_context(survey, draft or draft_of(survey), errors or {}, dirty)
    return render_page("admin/surveys/edit.html", "admin/surveys/_form.html", status, **context)


@bp.get("/surveys/<int:survey_id>")
def survey_edit(survey_id: int):
    """The editor (read-only for managers and for earlier versions), preview and versions."""
    return _editor(survey_or_404(survey_id))


@bp.post("/surveys/<int:survey_id>")
def survey_update(survey_id: int):
    """Change the unsaved form (add, move, remove), or save it all at once."""
    survey = survey_or_404(survey_id, edit=True)
    draft = parse_survey_form(request.form.to_dict(flat=False))
    action = request.form.get("action", "save")
    if action != "save":
        return _editor(survey, apply_action(draft, action), dirty=True)
    errors = validate_survey(draft)
    if errors:
        return _editor(survey, draft, errors, status=422, dirty=True)
    try:
        saved = save_survey(survey, draft)
    except SubmissionError as refused:
        db.session.rollback()
        return _editor(survey, draft, refused.errors, status=refused.status, dirty=True)
    record_audit("survey.saved", actor=current_user, survey_id=saved.id, version=saved.version)
    db.session.commit()
    _flash_saved(survey, saved)
    return go_to(url_for("admin.survey_edit", survey_id=saved.id))


def _flash_saved(before: Survey, saved: Survey) -> None:
    if saved.id == before.id:
        flash(_("Saved."))
    else:
        flash(
            _(
                "Saved as version %(version)s. Answers given before keep version %(old)s.",
                version=saved.version,
                old=before.version,
            )
        )


@bp.post("/surveys/<int:survey_id>/assignments")
def survey_assignments_update(survey_id: int):
    """Show the survey on exactly the ticked locations and channels."""
    survey = survey_or_404(survey_id, edit=True)
    try:
        slots = parse_slots(request.form.getlist("slot"))
        assign_slots(survey, slots, visible_locations(current_user))
    except SubmissionError as refused:
        db.session.rollback()
        for message in refused.errors.values():
            flash(message)
        return go_to(url_for("admin.survey_edit", survey_id=survey.id))
    record_audit("survey.assigned", actor=current_user, survey_id=survey.id, slots=len(slots))
    db.session.commit()
    flash(_("Where the survey runs is saved."))
    return go_to(url_for("admin.survey_edit", survey_id=survey.id))


@bp.get("/surveys/<int:survey_id>/preview")
def survey_preview(survey_id: int):
    """One screen of the survey as a tablet or phone shows it, in one of its languages."""
    survey = survey_or_404(survey_id)
    options = preview_options(survey, request.args)
    return render_page(
        "admin/surveys/preview.html",
        "admin/surveys/_preview.html",
        survey=survey,
        preview=render_preview(survey, options, current_user),
        preview_options=options,
        **labels(),
    )
