"""The CSV export of responses: a form to choose the location and period, and the file."""

from flask import Response, abort, current_app, request, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from admin import bp
from admin.guards import manager_required
from admin.presentation import signed_in_user
from admin.rendering import render_page
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.exports import export_csv, parse_export
from surveys.inbox import visible_locations
from surveys.metrics import PERIOD_KINDS
from surveys.ratelimit import limiter

EXPORT_PAGE = "admin/exports/page.html"
DEFAULT_EXPORT_LIMIT = "6 per minute;60 per day"


def user_key() -> str:
    """Count per signed-in account, wherever it connects from."""
    return f"user:{current_user.id}" if current_user.is_authenticated else ""


def _export_limit() -> str:
    return current_app.config.get("EXPORT_RATE_LIMIT", DEFAULT_EXPORT_LIMIT)


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
@limiter.limit(_export_limit, key_func=user_key, scope="export")
def exports_responses_csv():
    """The responses of the chosen locations and period, as a CSV written while it downloads."""
    try:
        export = parse_export(signed_in_user(), request.args)
    except NotVisible:
        abort(404)
    except SubmissionInvalid as invalid:
        return _page(422, invalid.errors)
    body = stream_with_context(export_csv(export, str(get_locale())))
    disposition = f'attachment; filename="{export.filename()}"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
