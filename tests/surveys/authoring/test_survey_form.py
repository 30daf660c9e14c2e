"""The editor's draft: actions on the unsaved form, and every refusal of a bad survey."""

import pytest

from surveys.authoring.form import (
    ConditionDraft,
    OptionDraft,
    apply_action,
    new_question,
    parse_survey_form,
    validate_survey,
)
from surveys.authoring.templates import template_draft


@pytest.fixture
def draft(app):
    with app.test_request_context():
        yield template_draft("restaurant")


def keys(draft):
    return [q.key for q in draft.questions]


def test_actions_add_move_and_remove_questions_and_options(draft):
    before = keys(draft)
    apply_action(draft, "add:nps")
    assert draft.questions[-1].kind == "nps" and draft.questions[-1].negative_at_or_below == 6
    apply_action(draft, "up:1")
    assert keys(draft)[:2] == [before[1], before[0]]
    apply_action(draft, "down:0")
    assert keys(draft)[:2] == before[:2]
    apply_action(draft, "add-option:1")
    assert draft.questions[1].options[-1] == OptionDraft()
    apply_action(draft, "remove-option:1:0")
    assert draft.questions[1].options[0].value == "waiting"
    apply_action(draft, "remove:0")
    assert keys(draft)[0] == before[1]


@pytest.mark.parametrize("action", ["up:0", "down:99", "remove:x", "add:poem", "remove-option:0:9"])
def test_actions_out_of_range_change_nothing(draft, action):
    before = keys(draft)
    apply_action(draft, action)
    assert keys(draft) == before


def broken(draft, change):
    change(draft)
    return validate_survey(draft)


def test_a_condition_on_a_later_question_is_refused(draft):
    def point_forward(d):
        d.questions[1].condition = ConditionDraft(d.questions[3].key, "<=", "2")

    errors = broken(draft, point_forward)
    assert "earlier question" in errors["q-1-cond"]


def test_a_condition_on_a_deleted_question_is_refused(draft):
    errors = broken(draft, lambda d: apply_action(d, "remove:1"))  # food depended on topics
    assert errors == {"q-1-cond": "This condition refers to a question that no longer exists."}


def test_a_condition_on_itself_is_refused(draft):
    def circular(d):
        d.questions[2].condition = ConditionDraft(d.questions[2].key, "includes", "cold")

    assert "its own answer" in broken(draft, circular)["q-2-cond"]


def test_moving_a_question_above_the_one_it_depends_on_is_refused(draft):
    errors = broken(draft, lambda d: apply_action(d, "up:2"))
    assert "earlier question" in errors["q-1-cond"]


@pytest.mark.parametrize(
    ("value", "message"),
    [("pizza", "options"), ("9", "options")],
)
def test_a_condition_value_the_question_cannot_have_is_refused(draft, value, message):
    def impossible(d):
        d.questions[2].condition.value = value

    assert message in broken(draft, impossible)["q-2-cond"]


def test_a_rating_condition_out_of_the_scale_is_refused(app):
    with app.test_request_context():
        nps = template_draft("nps")
        nps.questions[1].condition.value = "11"
        assert "from 0 to 10" in validate_survey(nps)["q-1-cond"]


def test_a_survey_without_a_rating_question_is_refused(draft):
    errors = broken(draft, lambda d: apply_action(d, "remove:0"))
    assert "needs a rating question" in errors["questions"]


def test_the_rating_must_come_first(draft):
    def move(d):
        d.questions.insert(0, d.questions.pop(3))

    assert "must be a rating" in broken(draft, move)["questions"]


def test_duplicate_option_values_are_refused(draft):
    def duplicate(d):
        d.questions[1].options[1].value = d.questions[1].options[0].value

    errors = broken(draft, duplicate)
    assert errors == {"q-1-opt-1-value": "Two options have the value “food”; each needs its own."}


def test_over_long_texts_and_names_are_refused(draft):
    def too_long(d):
        d.name = "n" * 121
        d.questions[0].texts["en"] = "t" * 301
        d.questions[1].options[0].texts["hy"] = "o" * 301

    errors = broken(draft, too_long)
    assert set(errors) == {"name", "q-0-text-en", "q-1-opt-0-text-hy"}


def test_a_question_needs_a_text_and_options_a_valid_value(draft):
    def blank(d):
        d.questions.append(new_question("choice"))

    errors = broken(draft, blank)
    assert {"q-7-text", "q-7-opt-0-value", "q-7-opt-0-text"} <= set(errors)


def test_thresholds_must_be_on_the_scale_and_in_order(draft):
    def odd(d):
        d.questions[0].negative_at_or_below = 4
        d.questions[0].positive_at_or_above = 3

    assert "higher than an unhappy one" in broken(draft, odd)["q-0-positive_at_or_above"]


def test_the_form_reads_back_what_the_editor_posts(app):
    form = {
        "name": [" Till survey "],
        "languages": ["fa", "en", "xx"],
        "questions": ["2"],
        "q-0-key": ["a1"],
        "q-0-kind": ["faces"],
        "q-0-text-en": ["How was it?"],
        "q-0-text-fa": ["چطور بود؟"],
        "q-0-negative_at_or_below": ["2"],
        "q-1-key": ["b2"],
        "q-1-kind": ["choice"],
        "q-1-text-en": ["Why?"],
        "q-1-shown_when": ["always"],
        "q-1-cond-question": ["a1"],
        "q-1-cond-op": ["<="],
        "q-1-cond-value": ["2"],
        "q-1-options": ["1"],
        "q-1-opt-0-value": ["slow"],
        "q-1-opt-0-text-en": ["Slow"],
        "q-1-opt-0-complaint": ["yes"],
    }
    with app.test_request_context():
        draft = parse_survey_form(form)
        assert draft.name == "Till survey" and draft.languages == ["en", "fa"]
        assert draft.questions[1].condition == ConditionDraft("a1", "<=", "2")
        assert draft.questions[1].options == [OptionDraft("slow", {"en": "Slow"}, True)]
        assert draft.questions[1].missing_languages(draft.languages) == ["fa"]
        assert validate_survey(draft) == {}
