"""The screen after a tap, decided once: per channel, for unhappy, neutral and happy ratings,
on faces and NPS surveys, without HTTP."""

import pytest

from surveys.authoring.templates import create_from_template
from surveys.capture.next_screen import next_screen
from surveys.db import db
from surveys.models import Channel, Location
from tests.case_factories import reachable_by_push

CHANNELS = [Channel.KIOSK, Channel.RECEIPT, Channel.LINK]
# (template, rating, screen, questions, negative)
SCREENS = [
    ("quick_faces", 1, "follow_up", ["topics", "comment", "servedby", "contact"], True),
    ("quick_faces", 3, "thanks", [], False),
    ("quick_faces", 5, "praise", ["praise"], False),
    ("nps", 3, "follow_up", ["better", "contact"], True),
    ("nps", 7, "thanks", [], False),
    # A promoter is asked what they liked: a text box, not the staff buttons of praise.
    ("nps", 10, "follow_up", ["liked"], False),
]


@pytest.fixture
def shop(app_context):
    """A shop with a manager on duty and push on, so only the channel decides the promise."""
    location = Location(name="Shop", timezone="UTC", languages=["en"], manager_on_duty=True)
    db.session.add(location)
    db.session.flush()
    reachable_by_push(location)
    return location


def keys(shown) -> list[str]:
    return [question.key for question in shown.questions]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("template", "rating", "screen", "questions", "negative"), SCREENS)
def test_every_channel_opens_the_same_screen(
    shop, channel, template, rating, screen, questions, negative
):
    survey = create_from_template(template)
    shown = next_screen(survey, rating, channel, shop)
    assert (shown.name, keys(shown), shown.negative) == (screen, questions, negative)
    assert not shown.manager_coming


@pytest.mark.parametrize(("template", "rating", "screen", "questions", "negative"), SCREENS)
def test_offline_screens_open_the_same_screen(shop, template, rating, screen, questions, negative):
    shown = next_screen(create_from_template(template), rating, Channel.KIOSK, shop, live=False)
    assert (shown.name, keys(shown), shown.negative) == (screen, questions, negative)


@pytest.mark.parametrize("template", ["quick_faces", "nps"])
@pytest.mark.parametrize(
    ("channel", "live", "coming"),
    [
        (Channel.KIOSK, True, True),
        (Channel.KIOSK, False, True),
        # Nobody will come to a phone at home.
        (Channel.RECEIPT, True, False),
        (Channel.LINK, True, False),
    ],
)
def test_only_the_tablet_promises_a_manager_after_an_unhappy_answer(
    shop, template, channel, live, coming
):
    survey = create_from_template(template)
    shown = next_screen(survey, 1, channel, shop, finished=True, live=live)
    assert shown.name == "thanks" and shown.manager_coming is coming


def test_no_manager_is_promised_when_nobody_can_come_or_no_alert_was_raised(shop):
    survey = create_from_template("quick_faces")
    assert not next_screen(
        survey, 1, Channel.KIOSK, shop, finished=True, alerted=False
    ).manager_coming
    assert not next_screen(survey, 5, Channel.KIOSK, shop, finished=True).manager_coming
    shop.manager_on_duty = False
    assert not next_screen(survey, 1, Channel.KIOSK, shop, finished=True).manager_coming


def test_a_neutral_answer_made_negative_by_a_complaint_still_promises_a_manager(shop):
    survey = create_from_template("quick_faces")
    shown = next_screen(survey, 3, Channel.KIOSK, shop, finished=True, negative=True, alerted=True)
    assert shown.manager_coming


def test_a_receipt_that_names_the_staff_member_does_not_ask_who_served(shop):
    survey = create_from_template("quick_faces")
    shown = next_screen(survey, 1, Channel.RECEIPT, shop, staff_known=True)
    assert keys(shown) == ["topics", "comment", "contact"]
    assert next_screen(survey, 5, Channel.RECEIPT, shop, staff_known=True).name == "thanks"


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_question_waiting_on_an_answer_of_the_same_screen_comes_hidden(shop, channel):
    survey = create_from_template("restaurant")
    db.session.flush()
    shown = next_screen(survey, 1, channel, shop)
    food = next(q for q in shown.questions if q.key == "food")
    topics = next(q for q in shown.questions if q.key == "topics")
    assert shown.conditions[food.id].hidden
    assert shown.conditions[food.id].rule["field"] == f"q{topics.id}"
    chosen = next_screen(survey, 1, channel, shop, form={f"q{topics.id}": ["food"]})
    assert not chosen.conditions[food.id].hidden
