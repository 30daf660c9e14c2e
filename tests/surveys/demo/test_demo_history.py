"""The demo history: every rule of the survey holds in it, cases stand in every state with
times in order, the bad Tuesday is the worst hour of the week, and a seed repeats it."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from surveys.capture import rules
from surveys.db import db
from surveys.demo.history import TABLES, generate_history
from surveys.demo.shops import demo_locations
from surveys.models import (
    Alert,
    AlertEvent,
    AlertStatus,
    Answer,
    Customer,
    Outcome,
    Response,
    Survey,
)
from surveys.reporting.metrics import Period, dashboard

pytestmark = pytest.mark.slow  # each test writes months of history

NOW = datetime(2026, 11, 20, 9, 30)  # a Friday morning, naive UTC
DAYS = 28


@pytest.fixture
def history(app, demo):
    """Four thousand answers over four weeks in the two demo shops."""
    with app.app_context():
        made = generate_history(db.session, demo_locations(), 4000, seed=7, days=DAYS, now=NOW)
        db.session.commit()
        yield made


def test_every_negative_answer_by_the_surveys_rules_has_an_alert(history):
    surveys = {survey.id: survey for survey in db.session.scalars(select(Survey))}
    rows = db.session.execute(select(Response.id, Response.survey_id, Response.rating))
    alerted = set(db.session.scalars(select(Alert.response_id)))
    negatives = 0
    for response_id, survey_id, rating in rows:
        negative = rules.is_negative_rating(surveys[survey_id].main_question, rating)
        negatives += negative
        assert (response_id in alerted) == negative
    assert history.responses == 4000 and history.alerts == negatives > 400
    stored = db.session.scalar(select(db.func.count()).where(Response.is_negative))
    assert stored == negatives


def test_cases_stand_in_every_state(history):
    alerts = db.session.scalars(select(Alert)).all()
    statuses = {alert.status for alert in alerts}
    assert statuses == set(AlertStatus)
    assert {alert.outcome for alert in alerts} >= set(Outcome)
    scheduled = [a for a in alerts if a.follow_up_at is not None]
    assert scheduled and all(a.status == AlertStatus.RESOLVED for a in scheduled)
    assert all(a.follow_up_at > NOW for a in scheduled)


def test_times_follow_each_other(history):
    for alert in db.session.scalars(select(Alert)):
        steps = [
            alert.response.captured_at,
            alert.created_at,
            alert.acknowledged_at,
            alert.resolved_at,
            alert.closed_at,
        ]
        known = [moment for moment in steps if moment is not None]
        assert known == sorted(known) and known[-1] <= NOW
        assert (alert.acknowledged_at is None) == (alert.status == AlertStatus.NEW)
        events = [event.at for event in alert.events]
        assert events == sorted(events)
    captured = db.session.scalars(select(Response.captured_at)).all()
    assert max(captured) <= NOW and min(captured) >= NOW - timedelta(days=DAYS + 1)


def test_follow_ups_topics_words_and_staff_differ_as_in_a_real_shop(history):
    walked_away = db.session.scalar(
        select(db.func.count()).where(Response.is_negative, Response.follow_up == "offered")
    )
    assert walked_away > 50  # silent complainers
    words = set(db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))))
    assert any("\u0531" <= ch <= "\u058f" for text in words for ch in text)  # Armenian
    period = Period(NOW.date() - timedelta(days=DAYS), NOW.date())
    board = dashboard([location.id for location in demo_locations()], period, "en")
    staff = {row.label: row for row in board.by_staff}
    assert staff["Anahit"].praise > 2 * max(staff["Leyla"].praise, staff["Ravi"].praise)
    assert staff["Arben"].negative_share > 1.5 * staff["Leyla"].negative_share
    assert board.by_topic and board.recovery.silent_complainers == walked_away


def test_the_bad_tuesday_afternoon_is_the_worst_hour_of_the_week(history):
    period = Period(NOW.date() - timedelta(days=DAYS), NOW.date())
    board = dashboard([location.id for location in demo_locations()], period, "en")
    rated = [cell for cell in board.heat_map if cell.csat is not None]
    worst = min(rated, key=lambda cell: cell.csat)
    assert worst.weekday == 1 and 14 <= worst.hour < 17
    assert date(2026, 11, 17).weekday() == 1  # the Tuesday before NOW


def _snapshot() -> list:
    """Every generated row, as plain tuples."""
    rows = []
    for model in TABLES:
        table = model.__table__
        statement = select(table).order_by(table.c.id)
        rows.append([tuple(row) for row in db.session.execute(statement)])
    return rows


def test_the_same_seed_writes_the_same_history(history):
    first = _snapshot()
    for model in (AlertEvent, Alert, Answer, Response, Customer):
        db.session.execute(delete(model))
    db.session.commit()
    generate_history(db.session, demo_locations(), 4000, seed=7, days=DAYS, now=NOW)
    db.session.commit()
    assert _snapshot() == first


def test_demo_responses_option_adds_history_with_a_progress_bar(app):
    result = app.test_cli_runner().invoke(args=["demo", "--json", "--responses", "300"])
    assert result.exit_code == 0, result.output
    assert "Demo history" in result.stderr and "300 answers" in result.stderr
    with app.app_context():
        stored = db.session.scalar(select(db.func.count()).select_from(Response))
        assert stored == 300 + 4  # and the demo's four sample cases
