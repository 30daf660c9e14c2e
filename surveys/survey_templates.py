"""Ready-made surveys; their texts come from the gettext catalogs, one per language."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from surveys.db import db
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import Question, QuestionKind, ShownWhen, Survey

TOPICS = [
    ("waiting", _l("Waiting time")),
    ("staff", _l("Staff")),
    ("product", _l("Product")),
    ("cleanliness", _l("Cleanliness")),
    ("price", _l("Price")),
    ("other", _l("Something else")),
]

QUICK_FACES = [
    # kind, text, shown when, extra settings
    (
        QuestionKind.FACES,
        _l("How was your visit today?"),
        ShownWhen.ALWAYS,
        {"negative_at_or_below": 2, "positive_at_or_above": 4},
    ),
    (QuestionKind.MULTI, _l("What went wrong?"), ShownWhen.NEGATIVE, {"options": TOPICS}),
    (QuestionKind.TEXT, _l("Would you like to tell us more?"), ShownWhen.NEGATIVE, {}),
    (QuestionKind.STAFF, _l("Who served you?"), ShownWhen.NEGATIVE, {}),
    (
        QuestionKind.CONTACT,
        _l("Would you like the manager to get back to you?"),
        ShownWhen.NEGATIVE,
        {},
    ),
    (QuestionKind.STAFF, _l("Who made your day?"), ShownWhen.POSITIVE, {}),
]


def translations(message) -> dict[str, str]:
    """A catalog message in every supported language."""
    texts = {}
    for language in SUPPORTED_LANGUAGES:
        with force_locale(language):
            texts[language] = str(message)
    return texts


def create_quick_faces_survey(name: str = "Quick faces") -> Survey:
    """The default survey: five faces, a follow-up for unhappy taps, praise for happy ones."""
    survey = Survey(name=name)
    for position, (kind, text, shown_when, extra) in enumerate(QUICK_FACES):
        options = [
            {"value": value, "texts": translations(label), "complaint": value != "other"}
            for value, label in extra.get("options", [])
        ]
        survey.questions.append(
            Question(
                position=position,
                kind=kind,
                texts=translations(text),
                options=options,
                shown_when=shown_when,
                negative_at_or_below=extra.get("negative_at_or_below"),
                positive_at_or_above=extra.get("positive_at_or_above"),
            )
        )
    db.session.add(survey)
    return survey
