"""What the survey pages share: fetching with access checks, and the editor's context
(versions, assignments, preview)."""

from babel.lists import format_list
from flask import request
from flask_babel import get_locale
from flask_login import current_user

from admin.guards import refuse
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
from surveys.models import RATING_RANGES, Channel, Survey
from surveys.people.access import visible_locations


def survey_or_404(survey_id: int, edit: bool = False) -> Survey:
    """A survey the signed-in user may see (else 404), and edit when asked (else 403)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_view_survey(current_user, survey):
        refuse(404)
    if edit and not can_edit_surveys(current_user):
        refuse(403)
    return survey


def editor_context(survey: Survey, draft: SurveyDraft, errors: dict, dirty: bool) -> dict:
    """Everything the editor page shows around the form."""
    versions = list(db.session.scalars(family_versions(survey)))
    locations = visible_locations(current_user)
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
