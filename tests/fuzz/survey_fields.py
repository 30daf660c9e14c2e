"""The fields of a survey's screens with the values a genuine customer could send, read from
the database once, so the fuzzer decides what to send before it sees any answer."""

import uuid

from surveys.db import db
from surveys.models import Location, QuestionKind, Survey, utcnow
from tests.fuzz.hostile import SEED_TEXTS, TIMES

# Link pages put the form token they issued here; the sender fills in the real one.
FORM_TOKEN = "{form_token}"
# A fixed pool of response ids: taps reuse them, so resends and conflicts happen too.
RESPONSE_IDS = [str(uuid.UUID(int=n * 7919 + 1, version=4)) for n in range(3000)]
CONTACT_VALUES = {
    "name": ["Ani", "", "<b>Ani</b>"],
    "email": ["ani@example.com", "", "not-an-address"],
    "phone": ["+374 10 123456", "", "123"],
    "consent": ["yes", ""],
}


def follow_up_fields(app, survey_id: int, location_id: int) -> dict[str, list[str]]:
    """Every field a follow-up or praise screen of the survey may post, with genuine values."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        staff = [str(m.id) for m in db.session.get(Location, location_id).active_staff()]
        fields: dict[str, list[str]] = {}
        for question in survey.questions[1:]:
            name = f"q{question.id}"
            if question.kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
                fields[name] = question.option_values()
            elif question.rating_range is not None:
                fields[name] = [str(n) for n in question.rating_range]
            elif question.kind == QuestionKind.TEXT:
                fields[name] = SEED_TEXTS
            elif question.kind == QuestionKind.STAFF:
                fields[name] = staff
            elif question.kind == QuestionKind.CONTACT:
                fields |= {f"{name}-{part}": v for part, v in CONTACT_VALUES.items()}
        return fields


def tap_fields(survey_question_id: int, languages: list[str]) -> dict[str, list[str]]:
    """The fields of a first tap, with the genuine values to pick from."""
    return {
        "response_id": RESPONSE_IDS,
        "question": [str(survey_question_id)],
        "rating": ["1", "2", "3", "4", "5"],
        "language": languages,
        "captured_at": [utcnow().isoformat() + "Z", "", *TIMES],
    }
