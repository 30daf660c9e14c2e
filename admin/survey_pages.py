"""What the survey pages share: fetching with access checks, page or fragment, and the
editor's context (versions, assignments, preview)."""

from babel.lists import format_list
from flask import abort, make_response, redirect, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from admin.survey_preview import DEVICES, preview_options, render_preview
from surveys.authoring.access import can_edit_surveys, can_view_survey
from surveys.authoring.assignments import slot_holders
from surveys.authoring.form import MAX_TEXT_LENGTH, SurveyDraft
from surveys.authoring.versions import current_version, family_versions, is_draft, response_counts
from surveys.db import db
from surveys.labels import (
    CHANNEL_LABELS,
    CONDITION_OPERATOR_LABELS,
    PREVIEW_DEVICE_LABELS,
    QUESTION_KIND_LABELS,
    SHOWN_WHEN_LABELS,
)
from surveys.languages import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, localized
from surveys.models import RATING_RANGES, Channel, Location, Survey
from surveys.people.access import restrict_to_visible


def render_page(page: str, partial: str, status: int = 200, **context):
    """The partial when htmx swaps it in, else the whole page that includes it."""
    wanted = partial if request.headers.get("HX-Request-Type") == "partial" else page
    response = make_response(render_template(wanted, **context), status)
    response.headers["Vary"] = "HX-Request-Type"
    return response


def go_to(url: str):
    """After a save: htmx loads the page anew (the preview too), a plain form is redirected."""
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def survey_or_404(survey_id: int, edit: bool = False) -> Survey:
    """A survey the signed-in user may see (else 404), and edit when asked (else 403)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_view_survey(current_user, survey):
        abort(404)
    if edit and not can_edit_surveys(current_user):
        abort(403)
    return survey


def visible_locations() -> list[Location]:
    """The locations the signed-in user may see, by name."""
    statement = restrict_to_visible(select(Location), current_user, Location.id)
    return list(db.session.scalars(statement.order_by(Location.name)))


def editor_context(survey: Survey, draft: SurveyDraft, errors: dict, dirty: bool) -> dict:
    """Everything the editor page shows around the form."""
    versions = list(db.session.scalars(family_versions(survey)))
    locations = visible_locations()
    options = preview_options(survey, request.args)
    return {
        "survey": survey,
        "current": current_version(survey),
        "draft": draft,
        "errors": errors,
        "dirty": dirty,
        "editable": can_edit_surveys(current_user) and survey.superseded_at is None,
        "live": not is_draft(survey),
        "versions": versions,
        "counts": response_counts([version.id for version in versions]),
        "locations": locations,
        "holders": slot_holders(locations),
        "preview": render_preview(survey, options, current_user),
        "preview_options": options,
        **labels(),
    }


def labels() -> dict:
    """Names and choices the survey templates show."""
    return {
        "channels": list(Channel),
        "channel_labels": CHANNEL_LABELS,
        "kind_labels": QUESTION_KIND_LABELS,
        "shown_when_labels": SHOWN_WHEN_LABELS,
        "operator_labels": CONDITION_OPERATOR_LABELS,
        "device_labels": PREVIEW_DEVICE_LABELS,
        "devices": DEVICES,
        "language_names": LANGUAGE_NAMES,
        "supported_languages": SUPPORTED_LANGUAGES,
        "rating_ranges": RATING_RANGES,
        "max_text_length": MAX_TEXT_LENGTH,
        "language_list": language_list,
        "localized": localized,
    }


def language_list(codes) -> str:
    """Language names joined as the reader's language joins a list."""
    names = [LANGUAGE_NAMES[code] for code in codes]
    return format_list(names, locale=str(get_locale())) if names else ""
