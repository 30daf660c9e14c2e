"""Conditions on earlier answers: evaluation, which follow-ups a rating opens, and parsing."""

import pytest

from surveys.authoring.templates import create_from_template
from surveys.capture.answers import parse_follow_up
from surveys.capture.conditions import (
    condition_holds,
    follow_up_questions_for,
    screen_conditions,
    screen_for,
)
from surveys.capture.rules import negative_reason
from surveys.db import db
from surveys.errors import SubmissionInvalid


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (None, {}, True),
        ({"question": "r", "op": "<=", "value": 2}, {"r": 2}, True),
        ({"question": "r", "op": "<=", "value": 2}, {"r": 3}, False),
        ({"question": "r", "op": "<", "value": 2}, {"r": 2}, False),
        ({"question": "r", "op": ">=", "value": 9}, {"r": 10}, True),
        ({"question": "r", "op": ">", "value": 9}, {"r": 9}, False),
        ({"question": "r", "op": "=", "value": 0}, {"r": 0}, True),
        ({"question": "r", "op": "!=", "value": 0}, {"r": 0}, False),
        ({"question": "t", "op": "includes", "value": "food"}, {"t": frozenset({"food"})}, True),
        ({"question": "t", "op": "includes", "value": "food"}, {"t": frozenset()}, False),
        ({"question": "t", "op": "excludes", "value": "food"}, {"t": frozenset()}, True),
        # Not answered, or not shown: the dependent question is not shown either.
        ({"question": "r", "op": "<=", "value": 2}, {}, False),
        # Nonsense never holds: an unknown operator, a value of the wrong type.
        ({"question": "r", "op": "~", "value": 2}, {"r": 1}, False),
        ({"question": "r", "op": "<=", "value": "2"}, {"r": 1}, False),
        ({"question": "t", "op": "<=", "value": 2}, {"t": frozenset({"a"})}, False),
    ],
)
def test_condition_holds(condition, answers, expected):
    assert condition_holds(condition, answers) is expected


def test_nps_rating_decides_which_follow_ups_open(app, context):
    survey = create_from_template("nps")
    keys = lambda questions: [q.key for q in questions]  # noqa: E731
    assert keys(follow_up_questions_for(survey, 3)) == ["better", "contact"]
    assert keys(follow_up_questions_for(survey, 7)) == []
    assert keys(follow_up_questions_for(survey, 10)) == ["liked"]


def test_quick_faces_keeps_its_negative_and_positive_screens(app, context):
    survey = create_from_template("quick_faces")
    unhappy = follow_up_questions_for(survey, 1)
    happy = follow_up_questions_for(survey, 5)
    assert [q.key for q in unhappy] == ["topics", "comment", "servedby", "contact"]
    assert [q.key for q in happy] == ["praise"]
    assert follow_up_questions_for(survey, 3) == []
    assert screen_for(True, unhappy) == "follow_up"
    assert screen_for(False, happy) == "praise"


def test_a_condition_on_the_same_screen_is_left_to_the_screen(app, context):
    survey = create_from_template("restaurant")
    db.session.flush()
    questions = follow_up_questions_for(survey, 1)
    food = next(q for q in questions if q.key == "food")
    topics = next(q for q in questions if q.key == "topics")
    main = survey.main_question
    hidden = screen_conditions(main, 1, questions, {})
    assert hidden[food.id].hidden and hidden[food.id].rule["field"] == f"q{topics.id}"
    shown = screen_conditions(main, 1, questions, {f"q{topics.id}": ["food"]})
    assert not shown[food.id].hidden


def test_answers_to_a_question_whose_condition_fails_are_dropped(app, context):
    survey = create_from_template("restaurant")
    db.session.flush()
    questions = follow_up_questions_for(survey, 1)
    by_key = {q.key: q for q in questions}
    topics, food = by_key["topics"], by_key["food"]
    known = {survey.main_question.key: 1}
    form = {f"q{topics.id}": ["waiting"], f"q{food.id}": ["cold"]}
    parsed = parse_follow_up(questions, form, set(), known)
    assert [(a[0], a[2]) for a in parsed.answers] == [(topics.id, "waiting")]
    form[f"q{topics.id}"] = ["food"]
    parsed = parse_follow_up(questions, form, set(), known)
    assert (food.id, "cold") in [(a[0], a[2]) for a in parsed.answers]


def test_a_hidden_question_raises_no_error(app, context):
    survey = create_from_template("restaurant")
    db.session.flush()
    questions = follow_up_questions_for(survey, 1)
    by_key = {q.key: q for q in questions}
    known = {survey.main_question.key: 1}
    form = {f"q{by_key['food'].id}": ["not-an-option"]}
    parse_follow_up(questions, form, set(), known)  # topics says nothing of food: no error
    form[f"q{by_key['topics'].id}"] = ["food"]
    with pytest.raises(SubmissionInvalid):
        parse_follow_up(questions, form, set(), known)


def test_a_low_follow_up_rating_makes_the_response_negative(app, context):
    survey = create_from_template("blank")
    db.session.flush()
    question = survey.main_question
    assert negative_reason([question], [(question.id, 2, None, None)]) == "rating"
    assert negative_reason([question], [(question.id, 3, None, None)]) is None
