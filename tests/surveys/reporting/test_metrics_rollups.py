"""The fast numbers (rollups kept on write) equal a naive recomputation from raw rows, on
randomised data stored through the real capture path: taps, follow-ups that add topics,
words and staff after the tap, walk-aways, double presses, cases in every state, and
answers at daylight-saving edges."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from surveys.authoring.templates import create_from_template, create_quick_faces_survey
from surveys.capture.responses import Source, Tap, follow_up_questions, record_follow_up, record_tap
from surveys.db import db
from surveys.models import Channel, Device, MetricHour, Outcome, QuestionKind, Remedy, Role, utcnow
from surveys.places.locations import assign_survey
from surveys.reporting.metrics import (
    Period,
    dashboard,
    latest_comments,
    naive_dashboard,
    naive_latest_comments,
    rebuild_rollups,
)
from surveys.reporting.metrics.rollups import count_response
from tests.case_factories import make_user
from tests.metrics_factories import make_shop, respond

TOPICS = ["waiting", "staff", "product", "cleanliness", "price", "other"]


def _follow_up_form(rng, response) -> dict[str, list[str]]:
    """A random but valid follow-up: topics, words, a staff member, maybe nothing."""
    form = {}
    for question in follow_up_questions(response):
        name = f"q{question.id}"
        if question.kind == QuestionKind.MULTI:
            form[name] = rng.sample(question.option_values(), rng.randint(0, 2))
        elif question.kind == QuestionKind.TEXT and rng.random() < 0.6:
            form[name] = [rng.choice(["Slow", "Cold coffee", "=1+1", "Շատ լավ"])]
        elif question.kind == QuestionKind.STAFF and rng.random() < 0.7:
            form[name] = [str(rng.choice(response.location.staff).id)]
        elif question.kind == QuestionKind.NPS:
            form[name] = [str(rng.randint(0, 10))]
    return form


def _handle(rng, alert, user) -> None:
    """Take a case some way along its life cycle, at random."""
    step = rng.random()
    if step < 0.3:
        return
    alert.acknowledge(by=user)
    alert.acknowledged_at = alert.created_at + timedelta(seconds=rng.randint(5, 4000))
    if step < 0.5:
        return
    alert.resolve(by=user, remedy=Remedy.APOLOGY)
    alert.resolved_at = alert.created_at + timedelta(seconds=rng.randint(4000, 90000))
    if step < 0.65:
        return
    alert.close(by=user, outcome=rng.choice(list(Outcome)))
    if step > 0.92:
        alert.reopen(by=user)


def _capture_times(rng, now: datetime) -> list[datetime]:
    """Random times in the last 80 days, and a cluster around Tirana's autumn clock change."""
    times = [now - timedelta(seconds=rng.randint(0, 80 * 86400)) for _ in range(130)]
    fall_back = datetime(2026, 10, 24, 21, 30)
    times += [fall_back + timedelta(minutes=rng.randint(0, 300)) for _ in range(30)]
    return [t for t in times if now - timedelta(days=89) < t <= now]


@pytest.fixture
def shops(app_context):
    faces, nps = create_quick_faces_survey(), create_from_template("nps")
    tirana = make_shop("Tirana", "Europe/Tirane", ("Arben", "Besa", "Elira"))
    yerevan = make_shop("Yerevan", "Asia/Yerevan", ("Anahit",))
    kolkata = make_shop("Kolkata", "Asia/Kolkata", ("Ravi", "Priya"))
    for survey, location in ((faces, tirana), (nps, yerevan), (faces, kolkata)):
        assign_survey(survey, location, Channel.KIOSK)
    device = Device(location=tirana, name="Till", paired_at=utcnow() - timedelta(days=100))
    db.session.add(device)
    user = make_user("owner@example.com", Role.OWNER)
    db.session.commit()
    return faces, (tirana, yerevan, kolkata), device, user


def _fill(rng, shops) -> None:
    """Store randomised answers the way customers and managers do."""
    faces, locations, device, user = shops
    for at in _capture_times(rng, utcnow()):
        location = rng.choice(locations)
        on_tablet = location is device.location and rng.random() < 0.5
        source = Source.of_device(device) if on_tablet else Source(location, Channel.LINK)
        main = location_survey(location, faces).main_question
        for press in range(2 if rng.random() < 0.05 else 1):  # a double press: misuse
            tap = Tap(
                response_uuid=str(uuid.uuid4()),
                question_id=str(main.id),
                rating=str(rng.choice(list(main.rating_range))),
                language="en",
                captured_at=(at + timedelta(seconds=press)).isoformat() + "Z",
            )
            response = record_tap(source, tap)
            if response.follow_up.value == "offered" and rng.random() < 0.6:
                record_follow_up(source, response.uuid, _follow_up_form(rng, response))
            if response.alert is not None:
                _handle(rng, response.alert, user)
        if rng.random() < 0.2:
            db.session.commit()
    # Spring forward is too long ago for a tap's clock: stored as a bulk loader would.
    for minutes in range(0, 240, 7):
        at = datetime(2026, 3, 28, 22, 30) + timedelta(minutes=minutes)
        topics = tuple(rng.sample(TOPICS, rng.randint(0, 2)))
        rating = rng.randint(1, 5)
        count_response(respond(locations[0], faces, at, rating, topics=topics, words="Spring"))
    db.session.commit()


def location_survey(location, faces):
    from surveys.capture.responses import survey_for

    return survey_for(location.id, Channel.KIOSK) or faces


def _periods(today: date) -> list[Period]:
    return [
        Period(date(2026, 3, 28), date(2026, 3, 30)),
        Period(date(2026, 3, 29), date(2026, 3, 29)),
        Period(date(2026, 10, 25), date(2026, 10, 25)),
        Period(date(2026, 10, 24), date(2026, 10, 26)),
        Period(today - timedelta(days=6), today),
        Period(today - timedelta(days=29), today),
        Period(today - timedelta(days=364), today),
    ]


def _assert_equal(locations) -> None:
    ids = [location.id for location in locations]
    for period in _periods(utcnow().date()):
        for chosen, language in ((ids, "sq"), (ids[:1], "en")):
            fast = dashboard(chosen, period, language)
            assert fast == naive_dashboard(chosen, period, language), (period, chosen)
            for topic, rating in ((None, None), ("waiting", None), (None, 1), ("price", 2)):
                filters = {"topic": topic, "rating": rating, "limit": 7}
                fast = latest_comments(chosen, period, "en", **filters)
                assert fast == naive_latest_comments(chosen, period, "en", **filters), filters


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2026])
def test_rollups_kept_on_write_equal_the_naive_numbers(shops, seed):
    rng = random.Random(seed)
    _fill(rng, shops)
    locations = shops[1]
    year = Period(utcnow().date() - timedelta(days=364), utcnow().date())
    busy = naive_dashboard([loc.id for loc in locations], year, "en")
    assert busy.summary.responses > 130 and busy.by_topic and busy.by_staff
    assert busy.recovery.closed and busy.recovery.silent_complainers
    assert busy.summary.nps is not None
    _assert_equal(locations)
    # Rebuilding from the raw rows gives the same rows' sums as keeping them on write.
    before = db.session.scalar(select(func.sum(MetricHour.responses)))
    assert rebuild_rollups() > 0
    assert db.session.scalar(select(func.sum(MetricHour.responses))) == before
    _assert_equal(locations)
    assert rebuild_rollups([locations[0].id]) > 0
    _assert_equal(locations)


def test_rebuild_command_fills_the_rollups_after_a_bulk_load(app, shops):
    faces, (tirana, *_others), _device, _user = shops
    respond(tirana, faces, datetime(2026, 3, 10, 9), 5, words="Lovely")
    respond(tirana, faces, datetime(2026, 3, 10, 10), 1, topics=("price",))
    db.session.commit()
    march_10 = Period(date(2026, 3, 10), date(2026, 3, 10))
    assert dashboard([tirana.id], march_10, "en").summary.responses == 0  # behind the ORM's back
    result = app.test_cli_runner().invoke(args=["metrics", "rebuild", "--location", tirana.id])
    assert result.exit_code == 0, result.output
    assert "rows written" in result.output
    db.session.expire_all()
    fixed = dashboard([tirana.id], march_10, "en")
    assert fixed.summary.responses == 2 and fixed.recovery.alerts == 1
    assert [c.text for c in latest_comments([tirana.id], march_10, "en")] == ["Lovely"]
