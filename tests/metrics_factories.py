"""Hand-built dashboard data: shops in given time zones, and responses stored as the kiosk
would store them (rating, topics, words, staff, alert), at exact UTC times."""

import uuid
from datetime import datetime

from surveys.capture import rules
from surveys.cases.raising import raise_alert
from surveys.db import db
from surveys.models import (
    Answer,
    Channel,
    FollowUp,
    Location,
    QuestionKind,
    Response,
    Staff,
    Survey,
)
from surveys.places.locations import create_location


def make_shop(name: str, timezone: str, staff: tuple[str, ...] = ()) -> Location:
    """A location in the time zone, with named staff."""
    location = create_location(name, timezone, ["en", "sq"], "en")
    location.staff = [Staff(name=member) for member in staff]
    db.session.flush()
    return location


def question(survey: Survey, kind: QuestionKind):
    """The survey's first question of a kind."""
    return next(q for q in survey.questions if q.kind == kind)


def respond(
    location: Location,
    survey: Survey,
    at: datetime,
    rating: int,
    *,
    topics: tuple[str, ...] = (),
    words: str | None = None,
    staff: Staff | None = None,
    praised: bool = False,
    follow_up: FollowUp = FollowUp.GIVEN,
    misuse: bool = False,
    alert: bool = True,
) -> Response:
    """A response captured at `at` (naive UTC); negative by the survey's rules."""
    main = survey.main_question
    answers = [Answer(question_id=main.id, number=rating)]
    answers += [
        Answer(question_id=question(survey, QuestionKind.MULTI).id, choice=t) for t in topics
    ]
    if words:
        answers.append(Answer(question_id=question(survey, QuestionKind.TEXT).id, text=words))
    response = Response(
        uuid=str(uuid.uuid4()),
        survey=survey,
        location_id=location.id,
        channel=Channel.KIOSK,
        language="en",
        captured_at=at,
        received_at=at,
        rating=rating,
        is_negative=rules.is_negative_rating(main, rating) or bool(topics),
        suspected_misuse=misuse,
        follow_up=follow_up,
        staff=staff,
        staff_praised=praised,
        answers=answers,
    )
    db.session.add(response)
    if response.is_negative and not misuse and alert:
        raise_alert(response, reason="rating").created_at = at
    db.session.flush()
    return response
