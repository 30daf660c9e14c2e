"""Bulk history for bench/dashboard.py: responses, answers and cases inserted with Core
executemany (behind the ORM's back), with a daily and hourly rhythm in each shop's time
zone, then the rollups rebuilt from the raw rows as any bulk loader must."""

import random
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.models import (
    Alert,
    AlertStatus,
    Answer,
    Channel,
    FollowUp,
    Location,
    Outcome,
    QuestionKind,
    Response,
    Staff,
    Survey,
    utcnow,
)
from surveys.reporting.metrics import rebuild_rollups

DAYS = 730  # two years of history
HOURS = list(range(8, 22))
HOUR_WEIGHTS = [2, 4, 6, 7, 9, 10, 8, 6, 6, 7, 9, 8, 5, 3]
RATINGS = [5, 4, 3, 2, 1]
RATING_WEIGHTS = [45, 25, 12, 10, 8]
TOPICS = ["waiting", "staff", "product", "cleanliness", "price", "other"]
WORDS = ["The queue was long.", "Cold coffee.", "Lovely staff!", "Too expensive.", "Dirty."]
BATCH = 20_000


def _answer(response_id: int, question_id: int, number=None, choice=None, text=None) -> dict:
    """An answer row naming every column: one shape for the whole executemany."""
    return {
        "response_id": response_id,
        "question_id": question_id,
        "number": number,
        "choice": choice,
        "text": text,
    }


class History:
    """Generates one shop's responses, answers and cases as rows of dicts."""

    def __init__(self, location: Location, survey: Survey, seed: int):
        self.location, self.zone = location, ZoneInfo(location.timezone)
        self.rng = random.Random(seed)
        kinds = {}
        for question in survey.questions:
            kinds.setdefault(question.kind, question.id)
        self.main, self.topics, self.text = (
            kinds[QuestionKind.FACES],
            kinds[QuestionKind.MULTI],
            kinds[QuestionKind.TEXT],
        )
        self.survey_id = survey.id
        self.staff = [member.id for member in location.staff]
        self.now = utcnow()
        self.today = self.now.replace(tzinfo=UTC).astimezone(self.zone).date()

    def captured_at(self) -> datetime:
        """A moment in the last two years, in opening hours, busier at lunch and evening."""
        rng = self.rng
        while True:
            day = self.today - timedelta(days=int(rng.random() ** 1.3 * DAYS))
            hour = rng.choices(HOURS, HOUR_WEIGHTS)[0]
            local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
            at = local.replace(tzinfo=self.zone).astimezone(UTC).replace(tzinfo=None)
            if at <= self.now:
                return at

    def rows(self, response_id: int) -> tuple[dict, list[dict], dict | None]:
        """One response, its answers and its case, if it raised one."""
        rng, at = self.rng, self.captured_at()
        rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
        negative = rating <= 2
        answers = [_answer(response_id, self.main, number=rating)]
        response = {
            "id": response_id,
            "uuid": str(uuid.uuid4()),
            "survey_id": self.survey_id,
            "location_id": self.location.id,
            "channel": Channel.KIOSK,
            "language": "en",
            "captured_at": at,
            "received_at": at,
            "rating": rating,
            "is_negative": negative,
            "suspected_misuse": rng.random() < 0.01,
            "follow_up": FollowUp.NONE if rating == 3 else FollowUp.GIVEN,
            "staff_id": None,
            "staff_praised": False,
        }
        if negative:
            self._complaint(response, answers)
        elif rating >= 4 and rng.random() < 0.2 and self.staff:
            response.update(staff_id=rng.choice(self.staff), staff_praised=True)
        case = self._case(response) if negative and not response["suspected_misuse"] else None
        return response, answers, case

    def _complaint(self, response: dict, answers: list[dict]) -> None:
        rng, response_id = self.rng, response["id"]
        if rng.random() < 0.35:  # tapped and walked away
            response["follow_up"] = FollowUp.OFFERED
            return
        for topic in rng.sample(TOPICS, rng.randint(1, 2)):
            answers.append(_answer(response_id, self.topics, choice=topic))
        if rng.random() < 0.4:
            answers.append(_answer(response_id, self.text, text=rng.choice(WORDS)))
        if rng.random() < 0.5 and self.staff:
            response["staff_id"] = rng.choice(self.staff)

    def _case(self, response: dict) -> dict:
        """A case somewhere in its life: new, acknowledged, resolved or closed."""
        rng, created = self.rng, response["captured_at"] + timedelta(seconds=2)
        step = rng.random()
        case = {
            "id": response["id"],
            "response_id": response["id"],
            "location_id": response["location_id"],
            "reason": "rating",
            "created_at": created,
            "status": AlertStatus.NEW,
        }
        if step > 0.1:
            case["acknowledged_at"] = created + timedelta(seconds=rng.randint(20, 1800))
            case["status"] = AlertStatus.ACKNOWLEDGED
        if step > 0.25:
            case["resolved_at"] = case["acknowledged_at"] + timedelta(minutes=rng.randint(5, 2880))
            case["status"] = AlertStatus.RESOLVED
        if step > 0.4:
            case["status"] = AlertStatus.CLOSED
            case["closed_at"] = case["resolved_at"] + timedelta(days=1)
            case["outcome"] = rng.choices(list(Outcome), [50, 30, 20])[0]
        return case


def grow(locations: list[Location], survey: Survey, per_location: int) -> None:
    """Add responses until each location has `per_location`; rebuild their rollups."""
    next_id = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    added = 0
    for location in locations:
        have = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.location_id == location.id)
        )
        history = History(location, survey, seed=location.id * 1000 + have)
        for start in range(have, per_location, BATCH):
            rows = [history.rows(next_id + n) for n in range(min(BATCH, per_location - start))]
            next_id += len(rows)
            added += len(rows)
            _insert(rows)
        db.session.commit()
    if not added:
        return
    _fix_sequences()
    rebuild_rollups([location.id for location in locations])
    db.session.commit()


def _insert(rows) -> None:
    db.session.execute(insert(Response.__table__), [response for response, _a, _c in rows])
    db.session.execute(
        insert(Answer.__table__), [answer for _r, answers, _c in rows for answer in answers]
    )
    cases = [case for _r, _a, case in rows if case is not None]
    if cases:
        # One shape per executemany: every case row names every column.
        keys = ("acknowledged_at", "resolved_at", "closed_at", "outcome")
        db.session.execute(
            insert(Alert.__table__), [{k: None for k in keys} | case for case in cases]
        )


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("response", "alert"):
        db.session.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    db.session.commit()


def shops() -> tuple[Survey, Location, list[Location]]:
    """The survey, the big shop and the ten small ones: those of a kept database, or new."""
    big = db.session.scalar(select(Location).where(Location.name == "Big shop"))
    if big is None:
        survey = create_quick_faces_survey()
        db.session.commit()
        big, small = make_shops(survey.id)
        return survey, big, small
    small = db.session.scalars(
        select(Location).where(Location.name.like("Shop %")).order_by(Location.name)
    ).all()
    survey = db.session.scalar(select(Survey).order_by(Survey.id))
    return survey, big, list(small)


def make_shops(survey_id: int) -> tuple[Location, list[Location]]:
    """One big shop (Yerevan) and ten smaller ones in four time zones, each with staff."""
    zones = ["Europe/Tirane", "Asia/Kolkata", "Asia/Yerevan", "UTC"]
    big = Location(name="Big shop", timezone="Asia/Yerevan", languages=["en"])
    small = [
        Location(name=f"Shop {n:02d}", timezone=zones[n % 4], languages=["en"])
        for n in range(1, 11)
    ]
    for location in (big, *small):
        location.staff = [Staff(name=name) for name in ("Anahit", "Ravi", "Leyla", "Arben")]
    db.session.add_all([big, *small])
    db.session.commit()
    return big, small
