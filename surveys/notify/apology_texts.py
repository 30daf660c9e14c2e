"""The apology e-mail's words: a location's own text per language, or the default one.

The text is the paragraph between the greeting ("Dear Ani,") and the coupon and sign-off,
which the letter adds itself (surveys/notify/letters.py)."""

from collections.abc import Mapping

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from surveys.capture.answers import clean_text
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import ApologyText, Location
from surveys.people.audit import Actor


def default_apology_text(location: Location, language: str) -> str:
    """The house text in `language`, naming the location."""
    with force_locale(language):
        return _(
            "Thank you for telling us that your visit to %(location)s was not what it should "
            "have been. We are sorry, and we are putting it right.",
            location=location.name,
        )


def location_apology_texts(location: Location) -> dict[str, str]:
    """The location's own texts by language (only those it wrote)."""
    rows = db.session.scalars(select(ApologyText).where(ApologyText.location_id == location.id))
    return {row.language: row.body for row in rows}


def apology_text(location: Location, language: str) -> str:
    """The text to pre-fill for a customer who speaks `language`."""
    return location_apology_texts(location).get(language) or default_apology_text(
        location, language
    )


def save_apology_texts(location: Location, form: Mapping[str, str], actor: Actor) -> None:
    """Keep the texts posted as text-<language>; an empty one (or the default) goes back to
    the default, so a later change of the default reaches it."""
    errors: dict[str, str] = {}
    cleaned = {
        language: clean_text(form.get(f"text-{language}", ""), f"text-{language}", errors)
        for language in location.languages
    }
    if errors:
        raise SubmissionInvalid(errors)
    stored = {
        row.language: row
        for row in db.session.scalars(
            select(ApologyText).where(ApologyText.location_id == location.id)
        )
    }
    for language, body in cleaned.items():
        row = stored.get(language)
        if not body or body == default_apology_text(location, language):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ApologyText(location_id=location.id, language=language, body=body))
        else:
            row.body = body
    actor.record("location.apology_texts_saved", location_id=location.id)
