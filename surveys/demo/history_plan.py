"""What one demo customer answers at a location: a rating shaped by who served and when,
the follow-up they give or walk away from, topics, words, staff praise, a contact."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.capture import rules
from surveys.capture.answers import CONSENT_TEXT
from surveys.capture.conditions import follow_up_questions_for
from surveys.demo.words import COMMENTS
from surveys.models import (
    Answer,
    Channel,
    Customer,
    Device,
    FollowUp,
    Location,
    Question,
    QuestionKind,
    Response,
    ShownWhen,
    SurveyAssignment,
)
from surveys.notify.events import managers_of, owners

# Chances of 1..5 (worst first) for most staff, the praised one and the complained-of one.
USUAL = (6, 7, 12, 30, 45)
PRAISED = (2, 3, 8, 25, 62)
COMPLAINED = (14, 14, 16, 26, 30)
BAD_AFTERNOON = (60, 40, 0, 0, 0)
NPS_FROM_FIVE = {1: (0, 1, 2, 3), 2: (4, 5), 3: (6, 7), 4: (8,), 5: (9, 10)}
TOPIC_WEIGHTS = {"waiting": 3, "staff": 2, "product": 2, "cleanliness": 1, "price": 1.5}
PEAK_HOURS = {12, 13, 17, 18, 19}
NAMES = ("Ani", "Ravi", "Leyla", "Arben", "Narges", "Besa", "Tigran", "Priya")


def random_uuid(bits: int) -> str:
    """A version-4 UUID from 128 random bits, without uuid.UUID's checks (it is hot)."""
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass(eq=False)
class Visit:
    """One customer at one moment; `hour` is local, `bad` marks the bad afternoon."""

    plan: "LocationPlan"
    at: datetime
    hour: int
    bad: bool


@dataclass
class LocationPlan:
    """A location's survey, staff and people, read once before the rows are written."""

    location: Location
    location_id: int
    survey_id: int
    main: Question
    opened: dict[int, list[Question]]
    channels: list[str]  # the kiosk first when the survey is shown there
    device_id: int | None
    staff: list[int]
    actors: list[int]
    consent_text: str
    languages: list[str] = field(default_factory=list)

    def actor(self, rng: random.Random) -> int | None:
        """Who handles a case: one of the location's managers, else an owner."""
        return rng.choice(self.actors) if self.actors else None

    def rows(self, visit: Visit, writer) -> tuple[dict, list[dict], dict | None]:
        """The response row, its answer rows and a consenting customer's row, if any."""
        rng = writer.rng
        served = rng.choice(self.staff) if self.staff else None
        rating = self._rating(served, visit, rng)
        negative = rules.is_negative_rating(self.main, rating)
        questions = self.opened[rating]
        given = bool(questions) and rng.random() < (0.7 if negative else 0.45)
        response = self._response(visit, writer.new_id(Response), rating, negative, rng)
        if questions:
            response["follow_up"] = (FollowUp.GIVEN if given else FollowUp.OFFERED).value
        answers = [self._answer(writer, response, self.main, number=rating)]
        customer = None
        if given:
            response["follow_up_at"] = visit.at + timedelta(seconds=rng.uniform(15, 60))
            customer = self._follow_up(visit, writer, response, questions, served, answers)
        return response, answers, customer

    def _rating(self, served: int | None, visit: Visit, rng: random.Random) -> int:
        """1..5 shaped by the staff member and the hour, mapped onto the survey's scale."""
        if visit.bad:
            chances = BAD_AFTERNOON
        elif served is not None and served == self.staff[0]:
            chances = PRAISED
        elif served is not None and len(self.staff) > 1 and served == self.staff[1]:
            chances = COMPLAINED
        else:
            chances = USUAL
        if visit.hour in PEAK_HOURS and not visit.bad:
            chances = (chances[0] + 2, chances[1] + 2, *chances[2:])
        five = rng.choices((1, 2, 3, 4, 5), chances)[0]
        if self.main.kind == QuestionKind.NPS:
            return rng.choice(NPS_FROM_FIVE[five])
        return five

    def _response(self, visit: Visit, response_id: int, rating, negative, rng) -> dict:
        """The response's columns before its follow-up."""
        kiosk = self.channels[0] == Channel.KIOSK.value and rng.random() < 0.85
        channel = Channel.KIOSK.value if kiosk else self.channels[-1]
        return {
            "id": response_id,
            "uuid": random_uuid(rng.getrandbits(128) ^ response_id),
            "survey_id": self.survey_id,
            "location_id": self.location_id,
            "device_id": self.device_id if kiosk else None,
            "channel": channel,
            "language": rng.choice(self.languages),
            "captured_at": visit.at,
            "received_at": visit.at + timedelta(seconds=rng.uniform(0.1, 2)),
            "rating": rating,
            "is_negative": negative,
            "suspected_misuse": False,
            "follow_up": FollowUp.NONE.value,
            "follow_up_digest": None,
            "follow_up_at": None,
            "staff_id": None,
            "staff_praised": False,
            "customer_id": None,
            "receipt_token": None,
            "till": None,
            "receipt_number": None,
            "receipt_issued_at": None,
            "staff_from_till": False,
        }

    def _answer(self, writer, response, question, number=None, choice=None, words=None) -> dict:
        """One answer row."""
        return {
            "id": writer.new_id(Answer),
            "response_id": response["id"],
            "question_id": question.id,
            "number": number,
            "choice": choice,
            "text": words,
        }

    def _follow_up(self, visit, writer, response, questions, served, answers) -> dict | None:
        """What the customer told on the follow-up screen; a customer row if they left one."""
        rng, negative, customer = writer.rng, response["is_negative"], None
        for question in questions:
            if question.kind in (QuestionKind.MULTI, QuestionKind.CHOICE) and negative:
                many = question.kind == QuestionKind.MULTI and rng.random() < 0.3
                for topic in self._topics(question, visit, served, 2 if many else 1, rng):
                    answers.append(self._answer(writer, response, question, choice=topic))
            elif question.kind == QuestionKind.TEXT and negative and rng.random() < 0.4:
                words = rng.choice(COMMENTS.get(response["language"], COMMENTS["en"]))
                answers.append(self._answer(writer, response, question, words=words))
            elif question.kind == QuestionKind.STAFF and served is not None:
                self._name_staff(question, response, served, rng)
            elif question.kind == QuestionKind.CONTACT and rng.random() < 0.08:
                customer = self._customer(writer, response, rng)
        return customer

    def _topics(self, question, visit, served, count, rng) -> list[str]:
        """What went wrong: queues at the peaks and that afternoon, staff for one of them."""
        values = question.option_values()
        weights = [TOPIC_WEIGHTS.get(value, 0.5) for value in values]
        for index, value in enumerate(values):
            if value == "waiting" and (visit.bad or visit.hour in PEAK_HOURS):
                weights[index] *= 6 if visit.bad else 2
            if value == "staff" and (
                visit.bad or (len(self.staff) > 1 and served == self.staff[1])
            ):
                weights[index] *= 3
        chosen: list[str] = []
        while len(chosen) < min(count, len(values)):
            pick = rng.choices(values, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen

    def _name_staff(self, question, response, served, rng) -> None:
        """The customer names who served: a complaint, or praise (more for the praised one)."""
        if question.shown_when == ShownWhen.NEGATIVE and rng.random() < 0.6:
            response["staff_id"] = served
        elif question.shown_when == ShownWhen.POSITIVE:
            if rng.random() < (0.8 if served == self.staff[0] else 0.35):
                response.update(staff_id=served, staff_praised=True)

    def _customer(self, writer, response, rng) -> dict:
        """A customer who asked to be contacted, with consent."""
        customer_id = writer.new_id(Customer)
        response["customer_id"] = customer_id
        return {
            "id": customer_id,
            "name": rng.choice(NAMES),
            "email": f"customer{customer_id}@example.com",
            "phone": None,
            "language": response["language"],
            "consent_at": response["follow_up_at"],
            "consent_text": self.consent_text,
        }


def plan_for(location: Location, session: Session) -> LocationPlan:
    """Read what the rows of a location need: survey, questions, staff, device, people."""
    assignments = session.scalars(
        select(SurveyAssignment).where(SurveyAssignment.location_id == location.id)
    ).all()
    kiosk = next((a for a in assignments if a.channel == Channel.KIOSK), assignments[0])
    survey = kiosk.survey
    shown = {a.channel for a in assignments if a.survey_id == survey.id} - {Channel.RECEIPT}
    channels = [c.value for c in (Channel.KIOSK, Channel.LINK) if c in shown] or [kiosk.channel]
    main = survey.main_question
    device_id = session.scalar(select(Device.id).where(Device.location_id == location.id))
    with force_locale("en"):
        consent_text = str(CONSENT_TEXT)
    people = managers_of(location) or owners()
    default = location.default_language
    return LocationPlan(
        location=location,
        location_id=location.id,
        survey_id=survey.id,
        main=main,
        opened={r: _opened(survey, main, r) for r in main.rating_range},
        channels=channels,
        device_id=device_id,
        staff=[member.id for member in location.active_staff()],
        actors=[person.id for person in people],
        consent_text=consent_text,
        languages=[default] * 6 + [code for code in location.languages if code != default],
    )


def _opened(survey, main: Question, rating: int) -> list[Question]:
    """The follow-up questions a rating opens, without those waiting on a later answer."""
    return [
        question
        for question in follow_up_questions_for(survey, rating)
        if not question.condition or question.condition.get("question") == main.key
    ]
