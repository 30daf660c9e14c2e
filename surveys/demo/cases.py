"""The demo's sample cases: one won back, one resolved with a coupon, one acknowledged, one
new, two of them from the same consenting customer so the case page remembers her."""

import uuid
from datetime import timedelta

from surveys.capture.answers import CONSENT_TEXT
from surveys.cases.coupons import issue_coupon
from surveys.cases.raising import raise_alert
from surveys.db import db
from surveys.models import (
    Answer,
    Channel,
    Customer,
    Device,
    FollowUp,
    Location,
    Outcome,
    QuestionKind,
    Remedy,
    Response,
    Survey,
    User,
    utcnow,
)
from surveys.reporting.metrics.rollups import count_response

DEMO_CUSTOMER = ("Ani", "ani@example.com")
# How long ago, rating, topics, words, whether Ani left her contact, how far it was handled.
SAMPLE_CASES = [
    (timedelta(days=8), 2, ["waiting"], "The queue was too long.", True, "won_back"),
    (timedelta(hours=3), 1, ["product"], "The bread was stale.", False, "coupon"),
    (timedelta(minutes=25), 2, ["staff"], None, False, "acknowledged"),
    (timedelta(minutes=2), 1, ["waiting", "price"], "A long queue again.", True, "new"),
]


def add_sample_cases(location: Location, survey: Survey, device: Device, owner: User) -> None:
    """A won-back case, one resolved with a coupon, one acknowledged and a new one."""
    for ago, rating, topics, words, with_contact, handled in SAMPLE_CASES:
        at = utcnow() - ago
        response = Response(
            uuid=str(uuid.uuid4()),
            survey=survey,
            location_id=location.id,
            device_id=device.id,
            channel=Channel.KIOSK,
            language="en",
            captured_at=at,
            received_at=at,
            rating=rating,
            is_negative=True,
            follow_up=FollowUp.GIVEN,
            follow_up_at=at,
            staff=location.staff[0] if "staff" in topics else None,
            answers=_sample_answers(survey, rating, topics, words),
        )
        if with_contact:
            name, email = DEMO_CUSTOMER
            response.customer = Customer(
                name=name, email=email, language="en", consent_at=at, consent_text=str(CONSENT_TEXT)
            )
        db.session.add(response)
        alert = raise_alert(response, reason="rating")
        alert.created_at = at
        _handle(alert, owner, handled)
        count_response(response)


def _sample_answers(survey: Survey, rating: int, topics: list[str], words: str | None):
    """The rating, the topics and the words of a sample response."""
    question = {q.kind: q.id for q in survey.questions if q.kind != QuestionKind.STAFF}
    answers = [Answer(question_id=question[QuestionKind.FACES], number=rating)]
    answers += [Answer(question_id=question[QuestionKind.MULTI], choice=t) for t in topics]
    if words:
        answers.append(Answer(question_id=question[QuestionKind.TEXT], text=words))
    return answers


def _handle(alert, owner: User, handled: str) -> None:
    """Take a sample case as far as the demo wants it."""
    if handled == "new":
        return
    alert.acknowledge(by=owner)
    if handled == "coupon":
        alert.resolve(
            by=owner, remedy=Remedy.COUPON, note="Sorry about the bread.", amount_cents=500
        )
        issue_coupon(alert, owner, value_cents=500, valid_days=90)
    elif handled == "won_back":
        alert.resolve(by=owner, remedy=Remedy.APOLOGY, note="Opened a second till.")
        alert.close(by=owner, outcome=Outcome.WON_BACK, note="She came back the next week.")
    for minutes, event in enumerate(alert.events, start=1):
        event.at = alert.created_at + timedelta(minutes=minutes)
    alert.acknowledged_at = alert.created_at + timedelta(minutes=1)
