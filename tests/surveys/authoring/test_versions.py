"""Copy-on-write versions: drafts change in place, live or answered surveys get a new version,
and every response keeps the questions and texts it was answered with."""

import uuid

import pytest
from sqlalchemy import func, select

from surveys.authoring.form import new_question, validate_survey
from surveys.authoring.templates import TEMPLATES, create_from_template, template_draft
from surveys.authoring.versions import (
    SurveyOutdated,
    current_version,
    draft_of,
    is_draft,
    save_survey,
)
from surveys.capture.responses import Tap, record_tap, survey_for
from surveys.db import db
from surveys.models import Channel, Device, Response, Survey, SurveyAssignment


@pytest.fixture
def context(app, demo):
    with app.test_request_context():
        yield


def tap(device: Device, survey: Survey, rating: int, question_id: int | None = None) -> Response:
    """A first tap on the kiosk, as the start screen of this survey version sends it."""
    question = str(question_id or survey.main_question.id)
    return record_tap(device, Tap(str(uuid.uuid4()), question, str(rating), "en"))


def surveys_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Survey))


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_every_template_is_a_valid_survey(context, template):
    assert validate_survey(template_draft(template)) == {}


def test_a_draft_shown_nowhere_is_edited_in_place(context):
    survey = create_from_template("nps")
    assert is_draft(survey)
    draft = draft_of(survey)
    draft.name = "NPS at the till"
    kept_ids = [q.id for q in survey.questions]
    saved = save_survey(survey, draft)
    assert saved is survey and saved.version == 1 and surveys_count() == 2
    assert [q.id for q in saved.questions] == kept_ids  # rows kept, not replaced


def test_a_live_survey_gets_a_new_version_that_takes_over_its_locations(context, demo):
    live = db.session.get(Survey, demo.survey_id)
    assert not is_draft(live)  # assigned to the demo kiosk, even before any answer
    draft = draft_of(live)
    draft.questions[0].texts["en"] = "How did we do?"
    saved = save_survey(live, draft)
    assert (saved.version, saved.family_id) == (2, live.id)
    assert live.superseded_at is not None and current_version(live) is saved
    assert survey_for(demo.location_id, Channel.KIOSK) is saved
    elsewhere = select(func.count()).where(
        SurveyAssignment.location_id == demo.location_id, SurveyAssignment.survey_id != saved.id
    )
    assert db.session.scalar(elsewhere) == 0
    # The question keeps its key across versions; the row is new.
    assert saved.questions[0].key == live.questions[0].key
    assert saved.questions[0].id != live.questions[0].id


def test_old_responses_keep_the_version_they_were_answered_with(context, demo):
    device = db.session.scalars(select(Device)).one()
    first = db.session.get(Survey, demo.survey_id)
    before = tap(device, first, 1)
    db.session.flush()
    draft = draft_of(first)
    draft.questions[0].texts["en"] = "How did we do?"
    del draft.questions[1]  # the topics question goes
    second = save_survey(first, draft)
    after = tap(device, second, 1)
    db.session.commit()
    db.session.expire_all()

    old = db.session.get(Response, before.id)
    assert old.survey.version == 1
    assert old.survey.main_question.texts["en"] == "How was your visit today?"
    assert "topics" in [q.key for q in old.survey.questions]
    assert [a.question.survey_id for a in old.answers] == [first.id]
    new = db.session.get(Response, after.id)
    assert new.survey.version == 2
    assert "topics" not in [q.key for q in new.survey.questions]


def test_a_tap_from_a_screen_shown_before_the_edit_counts_for_the_old_version(context, demo):
    device = db.session.scalars(select(Device)).one()
    first = db.session.get(Survey, demo.survey_id)
    old_question = first.main_question.id
    second = save_survey(first, draft_of(first))
    response = tap(device, second, 2, question_id=old_question)
    assert response.survey is first
    assert [q.key for q in response.survey.questions_shown_when("negative")]


def test_saving_an_outdated_version_is_refused(context, demo):
    first = db.session.get(Survey, demo.survey_id)
    save_survey(first, draft_of(first))
    with pytest.raises(SurveyOutdated) as refused:
        save_survey(first, draft_of(first))
    assert refused.value.status == 409
    assert surveys_count() == 2


def test_a_new_question_gets_a_fresh_key(context):
    keys = {new_question("text").key for _ in range(50)}
    assert len(keys) == 50
