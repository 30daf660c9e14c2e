"""Periodic jobs' leases on the real database (SQLite file, or PostgreSQL): one turn per
period for whoever asks first, in threads racing for it too; and the worker's checks
running each job once however many workers tick."""

import threading
from datetime import timedelta

from sqlalchemy import select

from surveys.db import db
from surveys.models import JobLease, utcnow
from surveys.notify.worker import JOBS, run_checks
from surveys.periodic import claim, holder, run_if_due, runs
from tests.threads import join_all

MINUTE = timedelta(minutes=1)


def test_a_job_gets_one_turn_per_period(app_context):
    now = utcnow()
    assert claim("sample", MINUTE, now)
    assert not claim("sample", MINUTE, now + timedelta(seconds=59))
    assert claim("sample", MINUTE, now + MINUTE)
    lease = db.session.get(JobLease, "sample")
    assert (lease.runs, lease.holder, lease.due_at) == (2, holder(), now + 2 * MINUTE)


def test_forcing_takes_the_turn_early_and_starts_a_new_period(app_context):
    now = utcnow()
    assert claim("sample", MINUTE, now)
    assert claim("sample", MINUTE, now + timedelta(seconds=10), force=True)
    assert not claim("sample", MINUTE, now + MINUTE)  # the forced run began a new period
    assert runs("sample") == 2


def test_a_job_not_due_does_not_run(app_context):
    ran = []
    assert run_if_due("sample", MINUTE, lambda: ran.append(1))
    assert not run_if_due("sample", MINUTE, lambda: ran.append(2))
    assert ran == [1]


def test_racing_threads_get_one_turn_between_them(app):
    now = utcnow()
    won = []
    start = threading.Barrier(4)

    def race():
        with app.app_context():
            start.wait()
            for _round in range(5):  # the first claim also makes the row: races that too
                if claim("race", MINUTE, now):
                    won.append(threading.current_thread().name)

    threads = [threading.Thread(target=race, name=f"racer-{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert len(won) == 1
    with app.app_context():
        assert runs("race") == 1


def test_workers_ticking_together_run_each_periodic_job_once(app):
    """Two workers' checks in one period: every job runs once, in one of them."""
    first, second = run_checks(app), run_checks(app)
    names = [name for name, _setting, _job in JOBS]
    assert first == names and second == []
    with app.app_context():
        leases = db.session.scalars(select(JobLease).order_by(JobLease.name)).all()
        assert {lease.name: lease.runs for lease in leases} == dict.fromkeys(names, 1)
    assert run_checks(app, force=True) == names  # `outbox work --once` runs them anyway
