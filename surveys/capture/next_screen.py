"""The screen after a tap or a follow-up, decided once for every channel.

The tablet, the receipt and poster links, the tablet's offline screens and the editor's
preview all show what `next_screen` says: which screen, which questions with which
show/hide conditions, and whether the thanks may promise that a manager is coming.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from surveys.capture.conditions import ScreenCondition, screen_conditions, screen_for
from surveys.capture.responses import tap_outcome
from surveys.cases.presence import manager_is_watching
from surveys.models import Channel, FollowUp, Location, Question, Response, Survey


@dataclass(frozen=True)
class NextScreen:
    """What the customer sees next: the screen's name and what it holds."""

    name: str  # "follow_up", "praise" or "thanks"
    negative: bool
    questions: tuple[Question, ...] = ()
    conditions: Mapping[int, ScreenCondition] = field(default_factory=dict)
    manager_coming: bool = False


def next_screen(
    survey: Survey,
    rating: int,
    channel: Channel,
    location: Location,
    *,
    staff_known: bool = False,
    finished: bool = False,
    negative: bool | None = None,
    alerted: bool | None = None,
    form: Mapping[str, Sequence[str]] | None = None,
    live: bool = True,
) -> NextScreen:
    """The follow-up or praise a rating opens until it is finished, then the thanks.

    `negative` and `alerted` default to what the rating alone says; a stored response
    brings its own (a complaint topic makes it negative, a misuse raises no alert).
    `live` counts the managers watching the inbox now; offline and in a preview only a
    manager on duty does."""
    outcome = tap_outcome(survey, rating, staff_known)
    negative = outcome.negative if negative is None else negative
    if outcome.questions and not finished:
        conditions = screen_conditions(survey.main_question, rating, outcome.questions, form or {})
        name = screen_for(negative, outcome.questions)
        return NextScreen(name, negative, tuple(outcome.questions), conditions)
    alerted = negative if alerted is None else alerted
    coming = alerted and _manager_may_be_promised(channel, location, live)
    return NextScreen("thanks", negative, manager_coming=coming)


def next_screen_for(
    response: Response, form: Mapping[str, Sequence[str]] | None = None
) -> NextScreen:
    """The screen a stored response is at: its follow-up while offered, else the thanks."""
    return next_screen(
        response.survey,
        response.rating,
        response.channel,
        response.location,
        staff_known=response.staff_from_till,
        finished=response.follow_up != FollowUp.OFFERED,
        negative=response.is_negative,
        alerted=response.alert is not None,
        form=form,
    )


def _manager_may_be_promised(channel: Channel, location: Location, live: bool) -> bool:
    """No empty promises: someone who can come is on duty, or has the inbox open."""
    if channel != Channel.KIOSK:
        return False  # nobody will come to a phone at home
    if live:
        return manager_is_watching(location)
    return bool(location.manager_on_duty)
