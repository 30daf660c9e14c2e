"""What a response says, in the words a manager reads: rating, topics, comments, staff."""

from dataclasses import dataclass, field

from surveys.languages import localized
from surveys.models import Question, QuestionKind, Response


@dataclass
class Said:
    """One response, summarised for the inbox and the case page."""

    rating: int | None
    rating_max: int | None
    topics: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    staff_name: str | None = None
    walked_away: bool = False


def what_was_said(response: Response, language: str) -> Said:
    """The response's answers in the reader's language (the survey's texts as fallback)."""
    main = response.survey.main_question
    said = Said(
        rating=response.rating,
        rating_max=main.rating_range[-1] if main is not None else None,
        staff_name=response.staff.name if response.staff else None,
        walked_away=response.is_partial,
    )
    for answer in response.answers:
        question = answer.question
        if answer.choice and question.kind in (QuestionKind.MULTI, QuestionKind.CHOICE):
            said.topics.append(option_label(question, answer.choice, language))
        elif answer.text and question.kind == QuestionKind.TEXT:
            said.words.append(answer.text)
    return said


def option_label(question: Question, value: str, language: str) -> str:
    """A choice option's text in the reader's language; the stored value if it is gone."""
    option = next((o for o in question.options if o["value"] == value), None)
    return localized(option["texts"], language) if option else value
