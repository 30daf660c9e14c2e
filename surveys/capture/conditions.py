"""Which questions a customer sees: conditions on earlier answers, evaluated as data.

A question's condition is {"question": <key of an earlier question>, "op": ..., "value": ...}.
Rating answers compare as numbers (<=, <, >=, >, =, !=); choice answers are sets of the
chosen option values ("includes", "excludes"). A question whose earlier question was not
shown, or not answered, is not shown either.
"""

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from surveys.capture import rules
from surveys.models import RATING_RANGES, Question, QuestionKind, ShownWhen, Survey
from surveys.numbers import whole_number

RATING_OPERATORS = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "=": operator.eq,
    "!=": operator.ne,
}
CHOICE_OPERATORS = {"includes": operator.contains, "excludes": lambda a, b: b not in a}
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTI)
# An answer as conditions see it: a rating, or the set of chosen option values.
AnswerValue = int | frozenset[str]


def condition_holds(condition: Mapping | None, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a question with this condition is shown, given the earlier answers by key."""
    if not condition:
        return True
    answer = answers.get(condition.get("question"))
    op, value = condition.get("op"), condition.get("value")
    if isinstance(answer, frozenset):
        compare = CHOICE_OPERATORS.get(op)
        return compare is not None and isinstance(value, str) and compare(answer, value)
    if isinstance(answer, int):
        compare = RATING_OPERATORS.get(op)
        return compare is not None and isinstance(value, int) and compare(answer, value)
    return False


def follow_up_questions_for(survey: Survey, rating: int) -> list[Question]:
    """The questions a first rating opens: on the screen now, or waiting for an answer on it.

    A condition on the first rating is decided here; one on a question of the same screen is
    left to the screen (and checked again when the answers arrive).
    """
    main = survey.main_question
    opened = {ShownWhen.ALWAYS, rules.follow_up_for(main, rating)}
    known: dict[str, AnswerValue] = {main.key: rating}
    shown: list[Question] = []
    for question in survey.questions:
        if question.position <= main.position or question.shown_when not in opened:
            continue
        reference = (question.condition or {}).get("question")
        on_screen = any(earlier.key == reference for earlier in shown)
        if on_screen or condition_holds(question.condition, known):
            shown.append(question)
    return shown


def screen_for(is_negative: bool, questions: Sequence[Question]) -> str:
    """The follow-up screen: praise (staff buttons) after a happy tap, else the questions."""
    if not is_negative and all(q.kind == QuestionKind.STAFF for q in questions):
        return "praise"
    return "follow_up"


def answer_value(question: Question, values: Sequence[str]) -> AnswerValue | None:
    """What a condition sees of the raw values posted for a question, if anything."""
    if question.kind in RATING_RANGES:
        number = values[0] if len(values) == 1 else ""
        rating = whole_number(number)
        return rating if rating in RATING_RANGES[question.kind] else None
    if question.kind in CHOICE_KINDS:
        return frozenset(v for v in values if v)
    return None


@dataclass(frozen=True)
class ScreenCondition:
    """A condition the screen itself toggles: the field it watches, and whether it holds now."""

    rule: dict
    hidden: bool


def screen_conditions(
    main: Question, rating: int, questions: Sequence[Question], form: Mapping[str, Sequence[str]]
) -> dict[int, ScreenCondition]:
    """The questions whose condition watches another question of the same screen, by id."""
    known: dict[str, AnswerValue] = {main.key: rating}
    fields = {q.key: q for q in questions}
    found: dict[int, ScreenCondition] = {}
    for question in questions:
        reference = fields.get((question.condition or {}).get("question"))
        if reference is not None:
            rule = dict(question.condition, field=f"q{reference.id}")
            hidden = not condition_holds(question.condition, known)
            found[question.id] = ScreenCondition(rule=rule, hidden=hidden)
            if hidden:
                continue
        value = answer_value(question, form.get(f"q{question.id}", []))
        if value is not None:
            known[question.key] = value
    return found
