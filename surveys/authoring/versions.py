"""Survey versions, copy-on-write: what is live or answered is never changed in place.

A draft (assigned nowhere, answered never) is edited in place. Saving an edit of any other
version creates the next version of the same family, moves the locations and channels to
it and marks the old one superseded; older responses keep pointing at the version they were
answered with, so their questions and texts stay as the customer saw them.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, update

from surveys.authoring.form import (
    ConditionDraft,
    OptionDraft,
    QuestionDraft,
    SurveyDraft,
    condition_data,
)
from surveys.db import db
from surveys.errors import SubmissionError
from surveys.models import (
    Question,
    QuestionKind,
    Response,
    ShownWhen,
    Survey,
    SurveyAssignment,
    utcnow,
)
from surveys.numbers import whole_number


class SurveyOutdated(SubmissionError):
    """The version edited was replaced by a newer one meanwhile."""

    status = 409

    def __init__(self, current: Survey):
        message = _("Someone saved a newer version of this survey meanwhile. Open it to edit.")
        super().__init__({"survey": message})
        self.current = current


def family_versions(survey: Survey):
    """The statement for every version of the survey's family, newest first."""
    key = survey.family_key
    return (
        select(Survey)
        .where(or_(Survey.id == key, Survey.family_id == key))
        .order_by(Survey.version.desc())
    )


def current_version(survey: Survey) -> Survey:
    """The family's version that is not superseded: the one to edit and show."""
    if survey.superseded_at is None:
        return survey
    return db.session.scalars(family_versions(survey).where(Survey.superseded_at.is_(None))).first()


def response_counts(survey_ids: list[int]) -> dict[int, int]:
    """How many responses each version has."""
    rows = db.session.execute(
        select(Response.survey_id, func.count())
        .where(Response.survey_id.in_(survey_ids))
        .group_by(Response.survey_id)
    )
    return dict(rows.all())


def is_draft(survey: Survey) -> bool:
    """Assigned nowhere and never answered: safe to change in place."""
    used = select(
        exists().where(Response.survey_id == survey.id)
        | exists().where(SurveyAssignment.survey_id == survey.id)
    )
    return not db.session.scalar(used)


def version_answered(assigned: Survey, question_id: str) -> Survey:
    """The version whose first question the customer tapped; an older screen still counts."""
    main = assigned.main_question
    number = whole_number(question_id)
    if main is None or number is None or number == main.id:
        return assigned
    question = db.session.get(Question, number)
    if question is None or question.survey.family_key != assigned.family_key:
        return assigned
    return question.survey if question.survey.main_question is question else assigned


def draft_of(survey: Survey) -> SurveyDraft:
    """A stored version as an editable draft."""
    draft = SurveyDraft(name=survey.name, languages=list(survey.languages))
    for question in survey.questions:
        condition = None
        if question.condition:
            data = question.condition
            condition = ConditionDraft(data["question"], data["op"], str(data["value"]))
        draft.questions.append(
            QuestionDraft(
                key=question.key,
                kind=str(question.kind),
                texts=dict(question.texts),
                options=[
                    OptionDraft(o["value"], dict(o.get("texts", {})), bool(o.get("complaint")))
                    for o in question.options
                ],
                shown_when=str(question.shown_when),
                negative_at_or_below=question.negative_at_or_below,
                positive_at_or_above=question.positive_at_or_above,
                condition=condition,
            )
        )
    return draft


def create_survey(draft: SurveyDraft) -> Survey:
    """The first version of a new survey, from a validated draft."""
    survey = Survey(name=draft.name, languages=draft.languages)
    _write_questions(survey, draft)
    db.session.add(survey)
    db.session.flush()
    return survey


def save_survey(survey: Survey, draft: SurveyDraft) -> Survey:
    """Save a validated draft: in place for a draft version, else as the next version."""
    db.session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    db.session.refresh(survey)
    if survey.superseded_at is not None:
        raise SurveyOutdated(current_version(survey))
    if is_draft(survey):
        survey.name, survey.languages = draft.name, draft.languages
        _write_questions(survey, draft)
        db.session.flush()
        return survey
    return _next_version(survey, draft)


def _next_version(survey: Survey, draft: SurveyDraft) -> Survey:
    latest = db.session.scalars(family_versions(survey)).first()
    successor = Survey(
        name=draft.name,
        languages=draft.languages,
        family_id=survey.family_key,
        version=latest.version + 1,
    )
    _write_questions(successor, draft)
    db.session.add(successor)
    db.session.flush()
    db.session.execute(
        update(SurveyAssignment)
        .where(SurveyAssignment.survey_id == survey.id)
        .values(survey_id=successor.id)
        .execution_options(synchronize_session=False)
    )
    survey.superseded_at = utcnow()
    db.session.flush()
    return successor


def _write_questions(survey: Survey, draft: SurveyDraft) -> None:
    """Make the survey's questions those of the draft, keeping the rows of unchanged keys."""
    existing = {question.key: question for question in survey.questions}
    by_key = {question.key: question for question in draft.questions}
    questions = []
    for position, question_draft in enumerate(draft.questions):
        question = existing.pop(question_draft.key, None) or Question(key=question_draft.key)
        _fill(question, question_draft, position, draft.languages, by_key)
        questions.append(question)
    survey.questions = questions


def _fill(question: Question, draft: QuestionDraft, position: int, languages, by_key) -> None:
    """Copy one validated question draft onto a row; texts only in the survey's languages."""
    question.position = position
    question.kind = QuestionKind(draft.kind)
    question.texts = {code: draft.texts[code] for code in languages if draft.texts.get(code)}
    question.options = [
        {
            "value": option.value,
            "texts": {code: option.texts[code] for code in languages if option.texts.get(code)},
            "complaint": option.complaint,
        }
        for option in (draft.options if draft.has_options else [])
    ]
    question.shown_when = ShownWhen(draft.shown_when)
    question.negative_at_or_below = draft.negative_at_or_below if draft.is_rating else None
    question.positive_at_or_above = draft.positive_at_or_above if draft.is_rating else None
    if draft.condition is None:
        question.condition = None
    else:
        question.condition = condition_data(draft.condition, by_key[draft.condition.question])
