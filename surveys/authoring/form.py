"""The survey editor's form: read into a draft, changed by editor actions, validated whole.

Nothing is stored here. The editor posts the whole survey on every action (add a question,
move it, add an option), so a half-finished edit lives only in the form until it is saved,
and saving checks everything at once: nothing is ever half-saved.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

from surveys.capture.conditions import CHOICE_KINDS, CHOICE_OPERATORS, RATING_OPERATORS
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import RATING_RANGES, QuestionKind, ShownWhen, new_question_key
from surveys.numbers import whole_number

MAX_QUESTIONS = 30
MAX_OPTIONS = 12
MAX_NAME_LENGTH = 120
MAX_TEXT_LENGTH = 300
KEY_PATTERN = re.compile(r"^[a-z0-9]{1,40}$")
OPTION_VALUE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_THRESHOLDS = {
    QuestionKind.FACES: (2, 4),
    QuestionKind.STARS: (2, 4),
    QuestionKind.NPS: (6, 9),
}
Form = Mapping[str, Sequence[str]]


@dataclass
class OptionDraft:
    value: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    complaint: bool = False


@dataclass
class ConditionDraft:
    question: str
    op: str
    value: str


@dataclass
class QuestionDraft:
    key: str
    kind: str
    texts: dict[str, str] = field(default_factory=dict)
    options: list[OptionDraft] = field(default_factory=list)
    shown_when: str = ShownWhen.ALWAYS.value
    negative_at_or_below: int | None = None
    positive_at_or_above: int | None = None
    condition: ConditionDraft | None = None

    @property
    def is_rating(self) -> bool:
        """Faces, stars or NPS."""
        return self.kind in RATING_RANGES

    @property
    def has_options(self) -> bool:
        """Single or multiple choice."""
        return self.kind in CHOICE_KINDS

    def missing_languages(self, languages: Sequence[str]) -> list[str]:
        """The survey's languages this question or one of its options has no text in."""
        texts = [self.texts, *(o.texts for o in self.options)] if self.has_options else [self.texts]
        return [code for code in languages if any(not t.get(code) for t in texts)]


@dataclass
class SurveyDraft:
    name: str
    languages: list[str]
    questions: list[QuestionDraft] = field(default_factory=list)


def new_question(kind: str) -> QuestionDraft:
    """A blank question of a kind, with the usual thresholds and two empty options."""
    negative, positive = DEFAULT_THRESHOLDS.get(kind, (None, None))
    options = [OptionDraft(), OptionDraft()] if kind in CHOICE_KINDS else []
    return QuestionDraft(
        key=new_question_key(),
        kind=kind,
        options=options,
        negative_at_or_below=negative,
        positive_at_or_above=positive,
    )


def _first(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _number(form: Form, name: str) -> int | None:
    value = _first(form, name)
    return whole_number(value, 999)


def _count(form: Form, name: str, limit: int) -> int:
    """A posted count, capped just above the limit so validation can say it is too many."""
    return min(_number(form, name) or 0, limit + 1)


def _texts(form: Form, prefix: str) -> dict[str, str]:
    found = {code: _first(form, f"{prefix}text-{code}") for code in SUPPORTED_LANGUAGES}
    return {code: text for code, text in found.items() if text}


def parse_survey_form(form: Form) -> SurveyDraft:
    """The survey as the editor posted it; nothing is checked yet."""
    languages = [code for code in SUPPORTED_LANGUAGES if code in (form.get("languages") or [])]
    draft = SurveyDraft(name=_first(form, "name"), languages=languages)
    for i in range(_count(form, "questions", MAX_QUESTIONS)):
        draft.questions.append(_parse_question(form, f"q-{i}-"))
    return draft


def _parse_question(form: Form, prefix: str) -> QuestionDraft:
    condition = None
    if reference := _first(form, f"{prefix}cond-question"):
        condition = ConditionDraft(
            reference, _first(form, f"{prefix}cond-op"), _first(form, f"{prefix}cond-value")
        )
    question = QuestionDraft(
        key=_first(form, f"{prefix}key"),
        kind=_first(form, f"{prefix}kind"),
        texts=_texts(form, prefix),
        shown_when=_first(form, f"{prefix}shown_when") or ShownWhen.ALWAYS.value,
        negative_at_or_below=_number(form, f"{prefix}negative_at_or_below"),
        positive_at_or_above=_number(form, f"{prefix}positive_at_or_above"),
        condition=condition,
    )
    for j in range(_count(form, f"{prefix}options", MAX_OPTIONS)):
        option_prefix = f"{prefix}opt-{j}-"
        question.options.append(
            OptionDraft(
                value=_first(form, f"{option_prefix}value"),
                texts=_texts(form, option_prefix),
                complaint=_first(form, f"{option_prefix}complaint") == "yes",
            )
        )
    return question


def apply_action(draft: SurveyDraft, action: str) -> SurveyDraft:
    """Change the unsaved draft: add, remove or move a question, add or remove an option."""
    verb, _, argument = action.partition(":")
    numbers = [n for part in argument.split(":") if (n := whole_number(part)) is not None]
    questions = draft.questions
    if verb == "add" and argument in QuestionKind.__members__.values():
        questions.append(new_question(argument))
    elif numbers and numbers[0] < len(questions):
        _change_question(questions, verb, *numbers)
    return draft


def _change_question(questions: list[QuestionDraft], verb: str, i: int, *rest: int) -> None:
    if verb == "remove":
        del questions[i]
    elif verb == "up" and i > 0:
        questions[i - 1], questions[i] = questions[i], questions[i - 1]
    elif verb == "down" and i + 1 < len(questions):
        questions[i + 1], questions[i] = questions[i], questions[i + 1]
    elif verb == "add-option" and questions[i].has_options:
        questions[i].options.append(OptionDraft())
    elif verb == "remove-option" and rest and rest[0] < len(questions[i].options):
        del questions[i].options[rest[0]]


def validate_survey(draft: SurveyDraft) -> dict[str, str]:
    """Every problem of the draft as {field: message}; empty when it may be saved."""
    errors: dict[str, str] = {}
    if not draft.name:
        errors["name"] = _("Please give the survey a name.")
    elif len(draft.name) > MAX_NAME_LENGTH:
        errors["name"] = _("Please keep it under %(limit)d characters.", limit=MAX_NAME_LENGTH)
    if not draft.languages:
        errors["languages"] = _("Please choose at least one language.")
    _check_question_list(draft, errors)
    keys: set[str] = set()
    for i, question in enumerate(draft.questions[:MAX_QUESTIONS]):
        prefix = f"q-{i}-"
        if not KEY_PATTERN.match(question.key) or question.key in keys:
            errors[f"{prefix}kind"] = _("This question could not be read; please reload.")
        keys.add(question.key)
        _check_texts(question.texts, draft.languages, prefix, errors)
        _check_rules(question, prefix, errors)
        if question.has_options:
            _check_options(question, draft.languages, prefix, errors)
        if question.condition is not None:
            _check_condition(draft, i, errors)
    return errors


def _check_question_list(draft: SurveyDraft, errors: dict[str, str]) -> None:
    questions = draft.questions
    if len(questions) > MAX_QUESTIONS:
        limit = MAX_QUESTIONS
        errors["questions"] = _("A survey can have at most %(limit)d questions.", limit=limit)
    elif not any(q.is_rating for q in questions):
        errors["questions"] = _(
            "A survey needs a rating question (faces, stars or NPS): it is the one tap "
            "on the start screen."
        )
    elif not questions[0].is_rating:
        errors["questions"] = _(
            "The first question must be a rating (faces, stars or NPS): it is the one tap "
            "on the start screen."
        )
    elif questions[0].condition is not None or questions[0].shown_when != ShownWhen.ALWAYS:
        errors["q-0-cond"] = _("The first question is always shown.")


def _check_texts(texts: dict[str, str], languages, prefix: str, errors: dict[str, str]) -> None:
    if not any(texts.get(code) for code in languages):
        errors[f"{prefix}text"] = _("Please write the text in at least one language.")
    for code, text in texts.items():
        if len(text) > MAX_TEXT_LENGTH:
            errors[f"{prefix}text-{code}"] = _(
                "Please keep it under %(limit)d characters.", limit=MAX_TEXT_LENGTH
            )
        elif any(ord(ch) < 32 for ch in text):
            errors[f"{prefix}text-{code}"] = _("The text contains characters that are not allowed.")


def _check_rules(question: QuestionDraft, prefix: str, errors: dict[str, str]) -> None:
    if question.kind not in QuestionKind.__members__.values():
        errors[f"{prefix}kind"] = _("Please choose a kind of question.")
    if question.shown_when not in ShownWhen.__members__.values():
        errors[f"{prefix}shown_when"] = _("Please choose when the question is shown.")
    if not question.is_rating:
        return
    scale = RATING_RANGES[question.kind]
    negative, positive = question.negative_at_or_below, question.positive_at_or_above
    for name, value in (("negative_at_or_below", negative), ("positive_at_or_above", positive)):
        if value is not None and value not in scale:
            errors[f"{prefix}{name}"] = _(
                "Please choose a number from %(low)d to %(high)d.", low=scale[0], high=scale[-1]
            )
    if negative is not None and positive is not None and negative >= positive:
        errors[f"{prefix}positive_at_or_above"] = _(
            "A happy answer must be higher than an unhappy one."
        )


def _check_options(question: QuestionDraft, languages, prefix: str, errors) -> None:
    if not 1 <= len(question.options) <= MAX_OPTIONS:
        errors[f"{prefix}options"] = _(
            "A choice needs between 1 and %(limit)d options.", limit=MAX_OPTIONS
        )
    seen: set[str] = set()
    for j, option in enumerate(question.options[:MAX_OPTIONS]):
        option_prefix = f"{prefix}opt-{j}-"
        if not OPTION_VALUE_PATTERN.match(option.value):
            errors[f"{option_prefix}value"] = _(
                "Use lower-case letters, digits, - and _ (at most 40), e.g. “waiting-time”."
            )
        elif option.value in seen:
            errors[f"{option_prefix}value"] = _(
                "Two options have the value “%(value)s”; each needs its own.", value=option.value
            )
        seen.add(option.value)
        _check_texts(option.texts, languages, option_prefix, errors)


def _check_condition(draft: SurveyDraft, i: int, errors: dict[str, str]) -> None:
    """The condition names an earlier rating or choice question and a value it can have."""
    condition = draft.questions[i].condition
    field_name = f"q-{i}-cond"
    positions = {q.key: n for n, q in enumerate(draft.questions)}
    target = positions.get(condition.question)
    if target is None:
        errors[field_name] = _("This condition refers to a question that no longer exists.")
    elif target == i:
        errors[field_name] = _("A question cannot depend on its own answer.")
    elif target > i:
        errors[field_name] = _(
            "A condition can only refer to an earlier question; this one comes later."
        )
    elif condition_data(condition, draft.questions[target]) is None:
        errors[field_name] = _check_condition_message(draft.questions[target])


def _check_condition_message(reference: QuestionDraft) -> str:
    if reference.is_rating:
        scale = RATING_RANGES[reference.kind]
        return _(
            "Compare the rating with a number from %(low)d to %(high)d.",
            low=scale[0],
            high=scale[-1],
        )
    if reference.has_options:
        return _("Choose one of that question's options.")
    return _("A condition can only refer to a rating or a choice question.")


def condition_data(condition: ConditionDraft, reference: QuestionDraft) -> dict | None:
    """The condition as stored on the question, or None when it cannot hold for the reference."""
    if reference.is_rating and condition.op in RATING_OPERATORS:
        value = whole_number(condition.value)
        if value is not None and value in RATING_RANGES[reference.kind]:
            return {"question": reference.key, "op": condition.op, "value": value}
    if reference.has_options and condition.op in CHOICE_OPERATORS:
        if condition.value in {option.value for option in reference.options}:
            return {"question": reference.key, "op": condition.op, "value": condition.value}
    return None
