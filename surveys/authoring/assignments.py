"""Where surveys run: one survey per location and channel, chosen by an owner."""

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Channel, Location, Survey, SurveyAssignment
from surveys.numbers import whole_number

Slot = tuple[int, Channel]


def parse_slots(values: Iterable[str]) -> set[Slot]:
    """Posted "location_id:channel" values as slots; unreadable ones are refused."""
    slots: set[Slot] = set()
    for value in values:
        location_id, _sep, channel = value.partition(":")
        number = whole_number(location_id)
        if number is None or channel not in Channel.__members__.values():
            raise SubmissionInvalid({"slots": _("Please choose from the list.")})
        slots.add((number, Channel(channel)))
    return slots


def slot_holders(locations: list[Location]) -> dict[Slot, SurveyAssignment]:
    """What each location shows on each channel now."""
    ids = [location.id for location in locations]
    rows = db.session.scalars(select(SurveyAssignment).where(SurveyAssignment.location_id.in_(ids)))
    return {(row.location_id, row.channel): row for row in rows}


def assign_slots(survey: Survey, wanted: set[Slot], locations: list[Location]) -> None:
    """Show the survey exactly on the wanted slots among these locations; others keep theirs."""
    if survey.superseded_at is not None:
        raise SubmissionInvalid({"slots": _("Only the newest version can be assigned.")})
    known = {location.id for location in locations}
    if any(location_id not in known for location_id, _channel in wanted):
        raise SubmissionInvalid({"slots": _("Please choose from the list.")})
    holders = slot_holders(locations)
    for slot, row in holders.items():
        if row.survey_id == survey.id and slot not in wanted:
            db.session.delete(row)
    for location_id, channel in wanted:
        row = holders.get((location_id, channel))
        if row is None:
            db.session.add(
                SurveyAssignment(survey_id=survey.id, location_id=location_id, channel=channel)
            )
        else:
            row.survey_id = survey.id
    db.session.flush()
