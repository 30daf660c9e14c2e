"""The CSV export of responses: a form to choose the location and period, and the file."""

from flask import Response, request, stream_with_context
from flask_babel import get_locale

from admin import bp
from admin.guards import manager_required, refuse
from admin.limits import export_limit
from admin.presentation import signed_in_user
from admin.rendering import render_page
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.people.access import visible_locations
from surveys.reporting.exports import export_csv, parse_export
from surveys.reporting.metrics import PERIOD_KINDS

EXPORT_PAGE = "admin/exports/page.html"


def _page(status: int = 200, errors: dict | None = None):
    """The export form, with the filters as sent."""
    user = signed_in_user()
    return render_page(
        EXPORT_PAGE,
        status=status,
        errors=errors or {},
        locations=visible_locations(user),
        period_kinds=PERIOD_KINDS,
        chosen=request.args,
    )


@bp.get("/exports")
@manager_required
def exports_page():
    """Choose a location and a period to download."""
    return _page()


@bp.get("/exports/responses.csv")
@manager_required
@export_limit
def exports_responses_csv():
    """The responses of the chosen locations and period, as a CSV written while it downloads."""
    try:
        export = parse_export(signed_in_user(), request.args)
    except NotVisible:
        refuse(404)
    except SubmissionInvalid as invalid:
        return _page(422, invalid.errors)
    body = stream_with_context(export_csv(export, str(get_locale())))
    disposition = f'attachment; filename="{export.filename()}"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
