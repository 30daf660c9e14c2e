"""Escalation and surge rules on hand-built data, at and around their boundaries."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from surveys.cases.escalation import (
    Window,
    answers_in_window,
    escalate_overdue_alerts,
    is_overdue,
    is_surge,
    raise_surges,
    windows,
)
from surveys.db import db
from surveys.models import (
    Alert,
    AlertStatus,
    Channel,
    Location,
    OutboxMessage,
    Response,
    Surge,
    utcnow,
)
from surveys.notify.targets import add_webhook

NOW = utcnow().replace(microsecond=0)


@pytest.fixture
def shop(app, demo):
    """The demo location, with mail on, inside an app context."""
    app.config.update(SMTP_URL="smtp://127.0.0.1:9", WEBHOOK_ALLOW_PRIVATE=True)
    with app.app_context():
        yield db.session.get(Location, demo.location_id)


def answer(shop, demo, *, negative: bool, minutes_ago: float, misuse: bool = False) -> Response:
    response = Response(
        uuid=str(uuid.uuid4()),
        survey_id=demo.survey_id,
        location_id=shop.id,
        channel=Channel.KIOSK,
        language="en",
        captured_at=NOW - timedelta(minutes=minutes_ago),
        rating=1 if negative else 5,
        is_negative=negative,
        suspected_misuse=misuse,
    )
    db.session.add(response)
    db.session.flush()
    return response


def alert(shop, demo, *, minutes_ago: float, status=AlertStatus.NEW) -> Alert:
    response = answer(shop, demo, negative=True, minutes_ago=minutes_ago)
    created = NOW - timedelta(minutes=minutes_ago)
    item = Alert(response=response, location_id=shop.id, reason="rating", created_at=created)
    item.status = status
    db.session.add(item)
    db.session.flush()
    return item


def sent(event: str) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    return [m for m in db.session.scalars(statement) if m.payload["event"] == event]


# Escalation


@pytest.mark.parametrize(
    ("waited", "expected"),
    [(4.99, False), (5, True), (60, True), (24 * 60, True), (24 * 60 + 1, False)],
)
def test_a_new_alert_is_overdue_from_the_locations_limit_for_a_day(shop, demo, waited, expected):
    item = alert(shop, demo, minutes_ago=waited)
    assert is_overdue(item, shop, NOW) is expected


def test_the_limit_is_the_locations_and_zero_turns_it_off(shop, demo):
    item = alert(shop, demo, minutes_ago=7)
    shop.escalate_after_minutes = 8
    assert not is_overdue(item, shop, NOW)
    shop.escalate_after_minutes = 7
    assert is_overdue(item, shop, NOW)
    shop.escalate_after_minutes = 0
    assert not is_overdue(item, shop, NOW)


@pytest.mark.parametrize("status", [s for s in AlertStatus if s != AlertStatus.NEW])
def test_an_alert_someone_took_is_never_overdue(shop, demo, status):
    assert not is_overdue(alert(shop, demo, minutes_ago=30, status=status), shop, NOW)


def test_escalation_tells_every_owner_and_the_webhooks_once(shop, demo):
    hook, _secret = add_webhook(shop, "http://127.0.0.1:9/hook", "slack")
    overdue = alert(shop, demo, minutes_ago=6)
    younger = alert(shop, demo, minutes_ago=4)
    alert(shop, demo, minutes_ago=20, status=AlertStatus.ACKNOWLEDGED)
    assert escalate_overdue_alerts(NOW) == [overdue]
    assert overdue.escalated_at == NOW
    (call,) = sent("alert.escalated")
    assert call.destination == hook.url and call.alert_id == overdue.id
    assert call.payload["facts"]["waited_minutes"] == 6
    (mail,) = sent("escalations")  # grouped per owner: notify/grouping.py
    assert mail.destination == demo.owner_email
    assert [case["alert_id"] for case in mail.payload["facts"]["cases"]] == [overdue.id]
    db.session.commit()
    assert escalate_overdue_alerts(NOW + timedelta(minutes=10)) == [younger]
    assert [m.alert_id for m in sent("alert.escalated")] == [overdue.id, younger.id]


def test_an_alert_acknowledged_meanwhile_is_not_escalated(shop, demo):
    item = alert(shop, demo, minutes_ago=6)
    db.session.commit()
    item.status = AlertStatus.ACKNOWLEDGED
    db.session.commit()
    assert escalate_overdue_alerts(NOW) == []
    assert sent("alert.escalated") == []


# Surges


@pytest.mark.parametrize(
    ("responses", "negatives", "expected"),
    [
        (3, 3, False),  # too few answers to mean anything
        (4, 2, True),  # exactly the threshold counts
        (4, 1, False),
        (5, 2, False),  # 40 %
        (10, 5, True),
        (0, 0, False),
    ],
)
def test_a_surge_needs_enough_answers_and_the_threshold(shop, responses, negatives, expected):
    assert is_surge(Window(responses, negatives), shop) is expected


def test_the_threshold_is_the_locations_and_zero_turns_it_off(shop):
    shop.surge_threshold_percent = 75
    assert not is_surge(Window(4, 2), shop)
    assert is_surge(Window(4, 3), shop)
    shop.surge_min_responses = 5
    assert not is_surge(Window(4, 4), shop)
    shop.surge_threshold_percent = 0
    assert not is_surge(Window(10, 10), shop)


def test_the_window_counts_recent_answers_and_leaves_out_misuse(shop, demo):
    answer(shop, demo, negative=True, minutes_ago=14.9)
    answer(shop, demo, negative=True, minutes_ago=15)  # just outside
    answer(shop, demo, negative=False, minutes_ago=1)
    answer(shop, demo, negative=True, minutes_ago=1, misuse=True)
    answer(shop, demo, negative=True, minutes_ago=-1)  # a clock ahead: not yet
    assert answers_in_window(shop, NOW) == Window(responses=2, negatives=1)


def test_a_surge_is_raised_once_per_window_and_notified(shop, demo):
    for minutes_ago in (1, 2, 3):
        answer(shop, demo, negative=True, minutes_ago=minutes_ago)
    answer(shop, demo, negative=False, minutes_ago=4)
    (surge,) = raise_surges(NOW)
    assert (surge.responses, surge.negatives, surge.window_minutes) == (4, 3, 15)
    (mail,) = sent("surges")  # grouped per person: notify/grouping.py
    assert mail.destination == demo.owner_email
    assert mail.payload["facts"]["cases"][0]["percent"] == 75
    db.session.commit()
    assert raise_surges(NOW + timedelta(minutes=5)) == []
    for minutes_ago in (-16, -17, -18, -19):  # answers that keep the surge going
        answer(shop, demo, negative=True, minutes_ago=minutes_ago)
    assert raise_surges(NOW + timedelta(minutes=14, seconds=59)) == []
    assert len(raise_surges(NOW + timedelta(minutes=20))) == 1
    assert db.session.scalar(select(Surge.id).order_by(Surge.id.desc())) == surge.id + 1


def test_a_calm_location_raises_no_surge(shop, demo):
    for minutes_ago in (1, 2, 3, 4):
        answer(shop, demo, negative=minutes_ago == 1, minutes_ago=minutes_ago)
    assert raise_surges(NOW) == []


def test_every_locations_window_is_counted_in_one_query(shop, demo):
    """Each location over its own window, and as many statements for six shops as for one."""
    others = [
        Location(name=f"Shop {n}", timezone="UTC", languages=["en"], surge_window_minutes=5)
        for n in range(5)
    ]
    db.session.add_all(others)
    db.session.flush()
    answer(shop, demo, negative=True, minutes_ago=10)  # in the demo's 15 minutes
    for minutes_ago, negative in ((1, True), (4, False), (10, True)):  # the last: outside 5
        answer(others[0], demo, negative=negative, minutes_ago=minutes_ago)
    counted = windows([shop, *others], NOW)
    assert counted == {shop.id: Window(1, 1), others[0].id: Window(2, 1)}

    def statements_of_a_surge_check() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            raise_surges(NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len([statement for statement in seen if "FROM response" in statement])

    with_six = statements_of_a_surge_check()
    for other in others:
        other.surge_threshold_percent = 0  # switched off: only the demo shop is watched
    db.session.flush()
    assert with_six == statements_of_a_surge_check() == 1
