"""Shops: creating a location with its languages and assigning it a survey."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import Channel, Location, Survey, SurveyAssignment


def create_location(name: str, timezone: str, languages: list[str], default_language: str):
    """A new location; refuses unknown time zones and languages."""
    errors = {}
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"Unknown time zone: {timezone}"
    unknown = [code for code in languages if code not in SUPPORTED_LANGUAGES]
    if unknown or not languages:
        errors["languages"] = f"Languages must be among {', '.join(SUPPORTED_LANGUAGES)}"
    if default_language not in languages:
        errors["default_language"] = "The default language must be one of the languages"
    if not name.strip():
        errors["name"] = "A location needs a name"
    if errors:
        raise SubmissionInvalid(errors)
    location = Location(
        name=name.strip(), timezone=timezone, languages=languages, default_language=default_language
    )
    db.session.add(location)
    return location


def assign_survey(survey: Survey, location: Location, channel: Channel) -> SurveyAssignment:
    """Show the survey at the location on the channel."""
    assignment = SurveyAssignment(survey=survey, location_id=location.id, channel=channel)
    db.session.add(assignment)
    return assignment
