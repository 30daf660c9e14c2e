"""The case life cycle without HTTP: every transition from every state, guarded by the model."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.errors import InvalidTransition, SubmissionInvalid
from surveys.models import Alert, AlertStatus, EventKind, Outcome, Remedy, utcnow
from tests.case_factories import make_alert

S = AlertStatus


def drive_to(alert: Alert, status: AlertStatus, by) -> None:
    """Take a new case to a state through valid steps."""
    steps = {
        S.NEW: [],
        S.ACKNOWLEDGED: ["acknowledge"],
        S.RESOLVED: ["acknowledge", "resolve"],
        S.CLOSED: ["acknowledge", "resolve", "close"],
        S.REOPENED: ["acknowledge", "resolve", "reopen"],
    }[status]
    for step in steps:
        ACTIONS[step](alert, by)
    assert alert.status == status


ACTIONS = {
    "acknowledge": lambda alert, by: alert.acknowledge(by=by),
    "assign": lambda alert, by: alert.assign(by, by=by),
    "resolve": lambda alert, by: alert.resolve(by=by, remedy=Remedy.APOLOGY, note="Sorry"),
    "schedule_follow_up": lambda alert, by: alert.schedule_follow_up(
        utcnow() + timedelta(days=1), by=by
    ),
    "close": lambda alert, by: alert.close(by=by, outcome=Outcome.WON_BACK),
    "reopen": lambda alert, by: alert.reopen(by=by),
}

# Written out by hand, not derived from the model: (state, action) -> the state after it.
VALID = {
    (S.NEW, "acknowledge"): S.ACKNOWLEDGED,
    (S.REOPENED, "acknowledge"): S.ACKNOWLEDGED,
    (S.NEW, "assign"): S.NEW,
    (S.ACKNOWLEDGED, "assign"): S.ACKNOWLEDGED,
    (S.RESOLVED, "assign"): S.RESOLVED,
    (S.REOPENED, "assign"): S.REOPENED,
    (S.ACKNOWLEDGED, "resolve"): S.RESOLVED,
    (S.REOPENED, "resolve"): S.RESOLVED,
    (S.RESOLVED, "schedule_follow_up"): S.RESOLVED,
    (S.RESOLVED, "close"): S.CLOSED,
    (S.RESOLVED, "reopen"): S.REOPENED,
    (S.CLOSED, "reopen"): S.REOPENED,
}
EVERY_PAIR = [(status, action) for status in S for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), EVERY_PAIR)
def test_every_action_from_every_state(people, status, action):
    alert = make_alert(people.shop)
    drive_to(alert, status, people.manager)
    events_before = len(alert.events)
    if (status, action) in VALID:
        ACTIONS[action](alert, people.manager)
        assert alert.status == VALID[(status, action)]
        assert len(alert.events) == events_before + 1
        db.session.commit()
    else:
        with pytest.raises(InvalidTransition) as refused:
            ACTIONS[action](alert, people.manager)
        assert alert.status == status
        assert len(alert.events) == events_before
        assert refused.value.status == 409 and refused.value.errors["status"]


def test_acknowledging_records_who_and_when_and_takes_the_case(people):
    alert = make_alert(people.shop)
    before = utcnow()
    alert.acknowledge(by=people.manager)
    assert alert.acknowledged_by == people.manager and alert.acknowledged_at >= before
    assert alert.assigned_to == people.manager


def test_acknowledging_keeps_a_case_someone_was_given(people):
    alert = make_alert(people.shop)
    alert.assign(people.owner, by=people.manager)
    alert.acknowledge(by=people.manager)
    assert alert.assigned_to == people.owner


def test_a_fresh_case_is_new_before_it_is_saved(people):
    assert Alert(location_id=people.shop.id, reason="rating").status == AlertStatus.NEW


@pytest.mark.parametrize(
    ("remedy", "note", "amount", "field"),
    [
        (Remedy.REFUND, None, None, "amount"),
        (Remedy.REFUND, None, 0, "amount"),
        (Remedy.COUPON, None, -500, "amount"),
        (Remedy.OTHER, None, None, "note"),
    ],
)
def test_a_remedy_needs_its_details(people, remedy, note, amount, field):
    alert = make_alert(people.shop)
    alert.acknowledge(by=people.manager)
    with pytest.raises(SubmissionInvalid) as invalid:
        alert.resolve(by=people.manager, remedy=remedy, note=note, amount_cents=amount)
    assert field in invalid.value.errors
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.remedy is None


def test_a_refund_keeps_its_amount_and_an_apology_none(people):
    alert = make_alert(people.shop)
    alert.acknowledge(by=people.manager)
    alert.resolve(by=people.manager, remedy=Remedy.REFUND, note="Gave it back", amount_cents=1250)
    assert (alert.remedy, alert.amount_cents, alert.remedy_note) == (
        Remedy.REFUND,
        1250,
        "Gave it back",
    )
    alert.reopen(by=people.manager)
    alert.resolve(by=people.manager, remedy=Remedy.APOLOGY, amount_cents=999)
    assert alert.amount_cents is None


def test_a_follow_up_must_be_in_the_future_and_becomes_due(people):
    alert = make_alert(people.shop)
    drive_to(alert, S.RESOLVED, people.manager)
    with pytest.raises(SubmissionInvalid):
        alert.schedule_follow_up(utcnow() - timedelta(minutes=1), by=people.manager)
    at = utcnow() + timedelta(hours=2)
    alert.schedule_follow_up(at, by=people.manager)
    assert alert.follow_up_at == at
    assert not alert.follow_up_due()
    assert alert.follow_up_due(now=at + timedelta(seconds=1))


def test_closing_records_the_outcome_and_reopening_forgets_it(people):
    alert = make_alert(people.shop)
    drive_to(alert, S.RESOLVED, people.manager)
    alert.schedule_follow_up(utcnow() + timedelta(days=1), by=people.manager)
    alert.close(by=people.manager, outcome=Outcome.LOST, note="Did not come back")
    assert (alert.outcome, alert.follow_up_at) == (Outcome.LOST, None)
    assert alert.closed_at is not None
    alert.reopen(by=people.owner, note="She called")
    assert (alert.status, alert.outcome, alert.closed_at) == (S.REOPENED, None, None)


def test_the_timeline_keeps_every_step_in_order_with_actor_note_and_details(people):
    alert = make_alert(people.shop)
    alert.acknowledge(by=people.manager)
    alert.assign(people.owner, by=people.manager)
    alert.resolve(by=people.owner, remedy=Remedy.REFUND, note="Refunded", amount_cents=300)
    alert.close(by=people.owner, outcome=Outcome.WON_BACK, note="Happy again")
    db.session.commit()
    events = db.session.get(Alert, alert.id).events
    assert [e.kind for e in events] == [
        EventKind.ACKNOWLEDGED,
        EventKind.ASSIGNED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
    ]
    assert [e.actor for e in events] == [people.manager, people.manager, people.owner, people.owner]
    assert events[1].data == {"assignee": people.owner.email}
    assert events[2].data == {"remedy": "refund", "amount_cents": 300, "currency": "EUR"}
    assert (events[2].note, events[3].note) == ("Refunded", "Happy again")
    assert events[3].data == {"outcome": "won_back"}
    assert {e.location_id for e in events} == {people.shop.id}


def test_an_invalid_step_leaves_the_stored_case_unchanged(people):
    alert = make_alert(people.shop)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        alert.close(by=people.manager, outcome=Outcome.WON_BACK)
    db.session.commit()
    stored = db.session.scalar(select(Alert).where(Alert.id == alert.id))
    assert (stored.status, stored.outcome, stored.events) == (S.NEW, None, [])
