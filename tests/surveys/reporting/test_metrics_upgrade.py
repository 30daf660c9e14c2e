"""Upgrading a database that already holds answers: `flask db upgrade` fills the new
dashboard rollups itself, so the dashboard shows the old answers at once."""

from datetime import date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.models import Channel, MetricHour
from surveys.places.locations import assign_survey
from surveys.reporting.metrics import (
    Period,
    dashboard,
    latest_comments,
    naive_dashboard,
    naive_latest_comments,
)
from tests.conftest import TEST_DATABASE_URL, _postgres_url_for_worker
from tests.metrics_factories import make_shop, respond
from wsgi import create_app

BEFORE_ROLLUPS = "session_last_seen"  # the revision before 0009_dashboards
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def blank_app(tmp_path, worker_id):
    """The app on an empty database that no migration has touched yet."""
    if TEST_DATABASE_URL:
        uri = _postgres_url_for_worker(f"{worker_id}_upgrade")
    else:
        uri = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": "t"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _answers_of_an_older_version() -> list[int]:
    """Answers, cases and words stored, then the schema taken back to before the rollups."""
    upgrade()
    survey = create_quick_faces_survey()
    yerevan = make_shop("Yerevan", "Asia/Yerevan", ("Anahit",))
    tirana = make_shop("Tirana", "Europe/Tirane")
    for location in (yerevan, tirana):
        assign_survey(survey, location, Channel.KIOSK)
    respond(yerevan, survey, datetime(2026, 3, 10, 8), 1, topics=("waiting",), words="Slow.")
    respond(yerevan, survey, datetime(2026, 3, 10, 21), 5, staff=yerevan.staff[0], praised=True)
    respond(tirana, survey, datetime(2026, 3, 29, 0, 30), 2, topics=("price",), words="Dear.")
    respond(tirana, survey, datetime(2026, 3, 29, 1, 30), 4)
    db.session.commit()
    ids = [yerevan.id, tirana.id]
    db.session.remove()
    downgrade(revision=BEFORE_ROLLUPS)
    assert not {"metric_hour", "metric_staff"} & set(inspect(db.engine).get_table_names())
    return ids


def test_an_upgrade_fills_the_rollups_from_the_answers_already_stored(blank_app):
    ids = _answers_of_an_older_version()
    upgrade()
    numbers = dashboard(ids, MARCH, "en")
    assert numbers.summary.responses == 4 and numbers.recovery.alerts == 2
    assert numbers.by_staff[0].praise == 1
    assert numbers == naive_dashboard(ids, MARCH, "en")
    comments = latest_comments(ids, MARCH, "en")
    assert [c.text for c in comments] == ["Dear.", "Slow."]
    assert comments == naive_latest_comments(ids, MARCH, "en")


def test_a_second_upgrade_leaves_the_rollups_alone(blank_app):
    ids = _answers_of_an_older_version()
    upgrade()
    rows = db.session.scalar(select(func.count()).select_from(MetricHour))
    db.session.execute(MetricHour.__table__.update().values(responses=MetricHour.responses + 1))
    db.session.commit()
    db.session.remove()
    upgrade()
    assert db.session.scalar(select(func.count()).select_from(MetricHour)) == rows
    assert dashboard(ids, MARCH, "en").summary.responses == 4 + rows  # not rebuilt again
