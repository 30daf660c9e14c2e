"""How many SQL statements a kiosk tap costs: a count, so adding a query to the tap fails here.

The figures are the ones docs/performance.md gives (SQLite; PostgreSQL sends no BEGIN of
its own, so one fewer). A tap that needs more must say why there and raise the number here.
"""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from surveys.db import db
from surveys.models import Alert, MetricHour, Response
from tests.kiosk.test_kiosk_http import PARTIAL, tap_form

# BEGIN, the device with its location and staff, the survey with its questions, the
# misuse interval, the response, its answer (each one INSERT … RETURNING,
# surveys/direct_insert.py), the hour's rollup. A new tap's id is not looked up first: a
# resend fails the response's unique id and is read then.
PLAIN_TAP = 7
# The same, and the alert (one INSERT … RETURNING), the alert's case row for the dashboard
# (one upsert: its local day comes from the response in hand) and its counts in the
# duration histograms (one upsert of the rows), the location's webhooks, the managers'
# push devices.
NEGATIVE_TAP = 12


@contextmanager
def statements(app):
    """The SQL statements sent to the database inside the block."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split())[:100])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def tap(kiosk, demo, rating: int, seconds_ago: int) -> None:
    form = tap_form(demo, rating, seconds_ago=seconds_ago)
    assert kiosk.post("/kiosk/responses", data=form, headers=PARTIAL).status_code == 200


def test_plain_and_negative_taps_stay_within_their_statements(app, kiosk, demo):
    # Taps a minute apart, so the misuse interval flags none (a flagged tap raises no alert).
    tap(kiosk, demo, 3, seconds_ago=240)  # the first request of a worker opens connections
    with statements(app) as plain:
        tap(kiosk, demo, 4, seconds_ago=180)
    with statements(app) as thanks:
        tap(kiosk, demo, 3, seconds_ago=120)
    with statements(app) as negative:
        tap(kiosk, demo, 1, seconds_ago=60)
    assert len(plain) <= PLAIN_TAP, "\n".join(plain)
    assert len(thanks) <= PLAIN_TAP, "\n".join(thanks)
    assert len(negative) <= NEGATIVE_TAP, "\n".join(negative)
    with app.app_context():  # and they did all a tap does: stored, counted, alerted
        assert db.session.scalar(select(func.count()).select_from(Response)) == 4
        assert db.session.scalar(select(func.sum(MetricHour.responses))) == 4
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1
