"""The live preview: a survey's kiosk screens as a tablet or a phone shows them, in any of
its languages, drawn with the kiosk's own templates. It stores nothing: the screens are
inert copies, and no response, device or session is ever made for them."""

import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from surveys.authoring.versions import current_version
from surveys.capture.answers import CONSENT_TEXT
from surveys.capture.next_screen import next_screen
from surveys.db import db
from surveys.labels import FACE_LABELS
from surveys.languages import LANGUAGE_NAMES, localized, text_direction
from surveys.models import Channel, Location, Survey, SurveyAssignment
from surveys.numbers import whole_number
from surveys.people.access import can_see_location
from surveys.places.branding import brand_of

DEVICES = ("tablet", "phone")
NO_RESPONSE = uuid.UUID(int=0)


@dataclass(frozen=True)
class PreviewOptions:
    device: str
    language: str
    after: int | None  # the first rating tapped, or None for the start screen


@dataclass
class StandInLocation:
    """Where a survey shown nowhere yet is previewed: its own languages, no staff."""

    name: str
    default_language: str
    languages: list[str]
    id: int = 0
    idle_timeout_seconds: int = 30
    thank_you_seconds: int = 6
    manager_on_duty: bool = False
    staff: list = field(default_factory=list)

    def active_staff(self) -> list:
        return []


def preview_options(survey: Survey, args) -> PreviewOptions:
    """The preview asked for, with anything unknown replaced by the first choice."""
    device = args.get("device") if args.get("device") in DEVICES else DEVICES[0]
    language = args.get("lang") if args.get("lang") in survey.languages else survey.languages[0]
    after = args.get("after", "")
    main = survey.main_question
    rating = whole_number(after)
    in_range = main is not None and rating is not None and rating in main.rating_range
    return PreviewOptions(device, language, rating if in_range else None)


def preview_location(survey: Survey, user):
    """A location the user may see that shows this survey, else a stand-in."""
    statement = (
        select(Location)
        .join(SurveyAssignment, SurveyAssignment.location_id == Location.id)
        .where(SurveyAssignment.survey_id == current_version(survey).id)
        .order_by(Location.name)
    )
    for location in db.session.scalars(statement):
        if can_see_location(user, location.id):
            return location
    return StandInLocation(survey.name, survey.languages[0], list(survey.languages))


def render_preview(survey: Survey, options: PreviewOptions, user) -> Markup:
    """One kiosk screen of the survey, rendered in the preview's language."""
    location = preview_location(survey, user)
    main = survey.main_question
    with force_locale(options.language):
        context = {
            "location": location,
            "staff": location.active_staff(),
            "brand": brand_of(location) if isinstance(location, Location) else None,
            "question": main,
            "questions": [],
            "conditions": {},
        }
        screen = "start"
        if main is not None and options.after is not None:
            screen = _screen_after(survey, options.after, options, location, context)
        html = render_template(
            "admin/surveys/_preview_screen.html",
            screen_template=f"kiosk/_{screen}.html",
            options=options,
            language=options.language,
            direction=text_direction(options.language),
            **_kiosk_helpers(),
            **context,
        )
    # Safe: Jinja rendered it from our own template with autoescape on.
    return Markup(html)  # noqa: S704  # nosec B704


def _screen_after(survey: Survey, rating: int, options: PreviewOptions, location, context):
    """Fill in what the screen after a first rating shows, and name that screen."""
    channel = Channel.KIOSK if options.device == "tablet" else Channel.LINK
    shown = next_screen(survey, rating, channel, location, live=False)
    context["response"] = SimpleNamespace(
        uuid=NO_RESPONSE, is_negative=shown.negative, rating=rating
    )
    context.update(
        questions=shown.questions, conditions=shown.conditions, manager_coming=shown.manager_coming
    )
    return shown.name


def _kiosk_helpers() -> dict:
    """What the kiosk's templates expect from the kiosk blueprint's context processor."""
    return {
        "localized": localized,
        "language_names": LANGUAGE_NAMES,
        "new_uuid": lambda: str(NO_RESPONSE),
        "face_labels": FACE_LABELS,
        "consent_text": CONSENT_TEXT,
        "values": {},
        "errors": None,
    }
