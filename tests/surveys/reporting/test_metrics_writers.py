"""Every writer of responses, answers and cases besides the capture service keeps the
dashboard's rollups equal to a naive recomputation: the demo's sample cases, the demo
history (bulk inserts, then a rebuild), and cases worked on after they were counted."""

from datetime import UTC, timedelta

from surveys.cases.actions import act_on_case
from surveys.db import db
from surveys.demo.history import generate_history
from surveys.demo.shops import demo_locations, set_up_demo
from surveys.models import Alert, AlertStatus, Role, User, utcnow
from surveys.reporting.metrics import (
    Period,
    dashboard,
    latest_comments,
    naive_dashboard,
    naive_latest_comments,
)
from surveys.reporting.metrics.period import latest_local_date


def _today():
    """The demo shops' today, as the dashboard takes it (their latest local date: after
    20:00 UTC it is already tomorrow in Yerevan)."""
    timezones = [location.timezone for location in demo_locations()]
    return latest_local_date(timezones, utcnow().replace(tzinfo=UTC))


def _same_as_naive() -> None:
    """The rollups' numbers and comments equal the raw rows' over the last 90 days."""
    ids = [location.id for location in demo_locations()]
    today = _today()
    for days in (1, 7, 90):
        period = Period(today - timedelta(days=days - 1), today)
        assert dashboard(ids, period, "en") == naive_dashboard(ids, period, "en"), days
        fast = latest_comments(ids, period, "en", limit=50)
        assert fast == naive_latest_comments(ids, period, "en", limit=50), days


def _recovery():
    """The service recovery of the demo shops over the last 90 days."""
    ids = [location.id for location in demo_locations()]
    return dashboard(ids, Period(_today() - timedelta(days=89), _today()), "en").recovery


def test_the_demo_sample_cases_are_counted(app_context):
    set_up_demo(sample_cases=True)
    db.session.commit()
    week = Period(_today() - timedelta(days=8), _today())
    board = dashboard([demo_locations()[0].id], week, "en")
    assert board.summary.responses == 4 and board.recovery.alerts == 4
    assert board.recovery.won_back == 1
    _same_as_naive()


def test_the_demo_history_and_later_case_work_are_counted(app_context):
    set_up_demo(sample_cases=True)
    generate_history(db.session, demo_locations(), 600, seed=3, days=30)
    db.session.commit()
    _same_as_naive()
    owner = db.session.scalars(db.select(User).where(User.role == Role.OWNER)).first()
    won_back = _recovery().won_back
    new_cases = db.select(Alert).where(Alert.status == AlertStatus.NEW, Alert.response_id > 0)
    new_cases = new_cases.order_by(Alert.id)
    chosen = db.session.scalars(new_cases.limit(3)).all()
    assert chosen
    for alert in chosen:
        act_on_case(alert, owner, "acknowledge", {}, None)
        act_on_case(alert, owner, "resolve", {"remedy": "apology"}, None)
        act_on_case(alert, owner, "close", {"outcome": "won_back"}, None)
    db.session.commit()
    assert _recovery().won_back == won_back + len(chosen)
    _same_as_naive()
