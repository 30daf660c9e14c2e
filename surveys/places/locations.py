"""Shops: creating and editing a location's settings, and assigning it a survey."""

from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import Channel, Location, Survey, SurveyAssignment
from surveys.numbers import whole_number
from surveys.people.audit import Actor
from surveys.places.money import DEFAULT_CURRENCY, clean_currency
from surveys.reporting.metrics import rebuild_rollups

MAX_NAME_LENGTH = 120
# The allowed range of each timing setting, in seconds.
TIMING_RANGES = {
    "response_interval_seconds": range(0, 601),
    "idle_timeout_seconds": range(5, 601),
    "thank_you_seconds": range(2, 61),
}
# How long contact details are kept after a case closes (surveys/privacy/retention.py), in days.
RETENTION_DAYS = range(1, 3651)
# The case targets the inbox's overdue view and the escalation read (0: no target), with
# the refusal that names each one's range.
CASE_TARGETS = {
    "escalate_after_minutes": (
        range(0, 1441),
        _l("Enter whole minutes from %(low)d to %(high)d (0: no target)."),
    ),
    "resolve_within_hours": (
        range(0, 721),
        _l("Enter whole hours from %(low)d to %(high)d (0: no target)."),
    ),
}


@dataclass
class LocationFields:
    """A location form as submitted; numbers still text, as typed."""

    name: str = ""
    timezone: str = "UTC"
    languages: list[str] = field(default_factory=lambda: ["en"])
    default_language: str = "en"
    response_interval_seconds: str = "5"
    idle_timeout_seconds: str = "30"
    thank_you_seconds: str = "6"
    contact_retention_days: str = "90"
    currency: str = DEFAULT_CURRENCY
    escalate_after_minutes: str = "5"
    resolve_within_hours: str = "24"

    @classmethod
    def of(cls, location: Location) -> "LocationFields":
        """The form filled in with a location's current settings."""
        values = {f.name: getattr(location, f.name) for f in fields(cls)}
        return cls(**{k: v if isinstance(v, bool | list) else str(v) for k, v in values.items()})


def time_zones() -> list[str]:
    """Every IANA time zone name, sorted, for the form's list."""
    return sorted(available_timezones())


def _clean(form: LocationFields) -> dict:
    """The settings of a valid form, else SubmissionInvalid with every problem."""
    errors = {}
    name = form.name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        errors["name"] = _(
            "A location needs a name of at most %(count)d characters.", count=MAX_NAME_LENGTH
        )
    try:
        ZoneInfo(form.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = _("Unknown time zone: %(zone)s", zone=form.timezone)
    if not form.languages or any(code not in SUPPORTED_LANGUAGES for code in form.languages):
        errors["languages"] = _(
            "Languages must be among %(codes)s", codes=", ".join(SUPPORTED_LANGUAGES)
        )
    elif form.default_language not in form.languages:
        errors["default_language"] = _("The default language must be one of the languages.")
    settings = {}
    for setting, allowed in TIMING_RANGES.items():
        text = str(getattr(form, setting)).strip()
        number = whole_number(text)
        if number is not None and number in allowed:
            settings[setting] = number
        else:
            errors[setting] = _(
                "Enter whole seconds from %(low)d to %(high)d.", low=allowed[0], high=allowed[-1]
            )
    retention = str(form.contact_retention_days).strip()
    if retention.isdigit() and int(retention) in RETENTION_DAYS:
        settings["contact_retention_days"] = int(retention)
    else:
        errors["contact_retention_days"] = _(
            "Enter whole days from %(low)d to %(high)d.",
            low=RETENTION_DAYS[0],
            high=RETENTION_DAYS[-1],
        )
    currency = clean_currency(form.currency, errors)
    _clean_targets(form, settings, errors)
    if errors:
        raise SubmissionInvalid(errors)
    return dict(
        name=name,
        currency=currency,
        timezone=form.timezone,
        languages=list(dict.fromkeys(form.languages)),
        default_language=form.default_language,
        **settings,
    )


def _clean_targets(form: LocationFields, settings: dict, errors: dict) -> None:
    """The acknowledge target in minutes and the resolve target in hours, 0 for none."""
    for setting, (allowed, refusal) in CASE_TARGETS.items():
        number = whole_number(str(getattr(form, setting)).strip())
        if number is not None and number in allowed:
            settings[setting] = number
        else:
            errors[setting] = refusal % {"low": allowed[0], "high": allowed[-1]}


def create_location(name: str, timezone: str, languages: list[str], default_language: str):
    """A new location with default timings; refuses unknown time zones and languages."""
    form = LocationFields(
        name=name, timezone=timezone, languages=languages, default_language=default_language
    )
    location = Location(**_clean(form))
    db.session.add(location)
    return location


def add_location(form: LocationFields, actor: Actor) -> Location:
    """A new location from the admin form."""
    location = Location(**_clean(form))
    db.session.add(location)
    db.session.flush()
    actor.record("location.created", location_id=location.id)
    return location


def update_location(location: Location, form: LocationFields, actor: Actor) -> None:
    """Change a location's settings; a new time zone refiles its dashboard numbers."""
    timezone = location.timezone
    settings = _clean(form)
    before = {name: getattr(location, name) for name in settings}
    for name, value in settings.items():
        setattr(location, name, value)
    if location.timezone != timezone:
        db.session.flush()
        rebuild_rollups([location.id])  # the rollups keep local days and hours
    changed = [name for name, value in settings.items() if before[name] != value]
    actor.record(
        "location.updated",
        location_id=location.id,
        before={name: before[name] for name in changed},
        after={name: settings[name] for name in changed},
    )


def assign_survey(survey: Survey, location: Location, channel: Channel) -> SurveyAssignment:
    """Show the survey at the location on the channel."""
    assignment = SurveyAssignment(survey=survey, location_id=location.id, channel=channel)
    db.session.add(assignment)
    return assignment
