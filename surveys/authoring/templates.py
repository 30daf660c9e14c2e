"""Ready-made surveys for a new owner; their texts come from the gettext catalogs.

Every text is a msgid, so a template arrives translated into each language whose catalog
has it; a language whose catalog lacks it gets no text (the editor shows it as missing)
rather than the English words posing as a translation.
"""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from surveys.authoring.form import ConditionDraft, OptionDraft, QuestionDraft, SurveyDraft
from surveys.authoring.versions import create_survey
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import QuestionKind, ShownWhen, Survey

ALWAYS, NEGATIVE, POSITIVE = ShownWhen.ALWAYS, ShownWhen.NEGATIVE, ShownWhen.POSITIVE
FACES, NPS, STARS = QuestionKind.FACES, QuestionKind.NPS, QuestionKind.STARS
MULTI, CHOICE, TEXT = QuestionKind.MULTI, QuestionKind.CHOICE, QuestionKind.TEXT
STAFF, CONTACT = QuestionKind.STAFF, QuestionKind.CONTACT

TOPICS = [
    ("waiting", _l("Waiting time")),
    ("staff", _l("Staff")),
    ("product", _l("Product")),
    ("cleanliness", _l("Cleanliness")),
    ("price", _l("Price")),
    ("other", _l("Something else")),
]
RESTAURANT_TOPICS = [
    ("food", _l("Food")),
    ("waiting", _l("Waiting time")),
    ("service", _l("Service")),
    ("cleanliness", _l("Cleanliness")),
    ("price", _l("Price")),
    ("other", _l("Something else")),
]
FOOD_PROBLEMS = [
    ("cold", _l("It was cold")),
    ("taste", _l("It did not taste right")),
    ("portion", _l("The portion was too small")),
    ("wrong-order", _l("It was not what I ordered")),
]
RETAIL_TOPICS = [
    ("not-found", _l("I could not find what I wanted")),
    ("out-of-stock", _l("Out of stock")),
    ("queue", _l("Queue at the checkout")),
    ("staff", _l("Help from staff")),
    ("price", _l("Price")),
    ("other", _l("Something else")),
]

# Each question: (key, kind, text, shown when, extra settings).
QUICK_FACES = [
    ("rating", FACES, _l("How was your visit today?"), ALWAYS, {}),
    ("topics", MULTI, _l("What went wrong?"), NEGATIVE, {"options": TOPICS}),
    ("comment", TEXT, _l("Would you like to tell us more?"), NEGATIVE, {}),
    ("servedby", STAFF, _l("Who served you?"), NEGATIVE, {}),
    ("contact", CONTACT, _l("Would you like the manager to get back to you?"), NEGATIVE, {}),
    ("praise", STAFF, _l("Who made your day?"), POSITIVE, {}),
]
NPS_SURVEY = [
    ("nps", NPS, _l("How likely are you to recommend us to a friend?"), ALWAYS, {}),
    (
        "better",
        TEXT,
        _l("What should we do better?"),
        ALWAYS,
        {"condition": ("nps", "<=", "6")},
    ),
    ("liked", TEXT, _l("What did you like most?"), ALWAYS, {"condition": ("nps", ">=", "9")}),
    (
        "contact",
        CONTACT,
        _l("Would you like the manager to get back to you?"),
        ALWAYS,
        {"condition": ("nps", "<=", "6")},
    ),
]
RESTAURANT = [
    ("rating", FACES, _l("How was your meal today?"), ALWAYS, {}),
    ("topics", MULTI, _l("What went wrong?"), NEGATIVE, {"options": RESTAURANT_TOPICS}),
    (
        "food",
        MULTI,
        _l("What was wrong with the food?"),
        NEGATIVE,
        {"options": FOOD_PROBLEMS, "condition": ("topics", "includes", "food")},
    ),
    ("comment", TEXT, _l("Would you like to tell us more?"), NEGATIVE, {}),
    ("servedby", STAFF, _l("Who served you?"), NEGATIVE, {}),
    ("contact", CONTACT, _l("Would you like the manager to get back to you?"), NEGATIVE, {}),
    ("praise", STAFF, _l("Who made your day?"), POSITIVE, {}),
]
RETAIL = [
    ("rating", FACES, _l("How was your shopping today?"), ALWAYS, {}),
    ("topics", MULTI, _l("What went wrong?"), NEGATIVE, {"options": RETAIL_TOPICS}),
    ("comment", TEXT, _l("Would you like to tell us more?"), NEGATIVE, {}),
    ("contact", CONTACT, _l("Would you like the manager to get back to you?"), NEGATIVE, {}),
    ("praise", STAFF, _l("Who made your day?"), POSITIVE, {}),
]
BLANK = [("rating", FACES, _l("How was your visit today?"), ALWAYS, {})]

TEMPLATES = {
    "quick_faces": (_l("Quick faces with follow-up"), QUICK_FACES),
    "nps": (_l("Net Promoter Score (NPS)"), NPS_SURVEY),
    "restaurant": (_l("Restaurant"), RESTAURANT),
    "retail": (_l("Retail shop"), RETAIL),
    "blank": (_l("Blank: one question with faces"), BLANK),
}
THRESHOLDS = {FACES: (2, 4), STARS: (2, 4), NPS: (6, 9)}


def translations(message) -> dict[str, str]:
    """A catalog message in every supported language whose catalog translates it."""
    with force_locale("en"):
        source = str(message)
    texts = {"en": source}
    for language in SUPPORTED_LANGUAGES:
        with force_locale(language):
            translated = str(message)
        if translated and translated != source:
            texts[language] = translated
    return texts


def template_draft(template: str, name: str | None = None) -> SurveyDraft:
    """A ready-made survey as a draft, named by its template unless a name is given."""
    title, questions = TEMPLATES[template]
    draft = SurveyDraft(name=name or str(title), languages=list(SUPPORTED_LANGUAGES))
    for key, kind, text, shown_when, extra in questions:
        negative, positive = THRESHOLDS.get(kind, (None, None))
        condition = ConditionDraft(*extra["condition"]) if "condition" in extra else None
        options = [
            OptionDraft(value, translations(label), complaint=value != "other")
            for value, label in extra.get("options", [])
        ]
        draft.questions.append(
            QuestionDraft(
                key=key,
                kind=kind.value,
                texts=translations(text),
                options=options,
                shown_when=shown_when.value,
                negative_at_or_below=negative,
                positive_at_or_above=positive,
                condition=condition,
            )
        )
    return draft


def create_from_template(template: str, name: str | None = None) -> Survey:
    """A new survey from a ready-made template."""
    return create_survey(template_draft(template, name))


def create_quick_faces_survey(name: str = "Quick faces") -> Survey:
    """The default survey: five faces, a follow-up for unhappy taps, praise for happy ones."""
    return create_from_template("quick_faces", name)
