"""Acting on a case through the service: who may, input parsing, audit, concurrent edits."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from surveys.cases.actions import (
    act_on_case,
    alert_for,
    colleagues_for,
    local_time_to_utc,
    offered_actions,
)
from surveys.db import db
from surveys.errors import CaseChanged, NotAllowed, NotVisible, SubmissionInvalid
from surveys.models import Alert, AlertStatus, AuditEvent, Coupon, Remedy, utcnow
from tests.case_factories import make_alert


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_every_case_action_writes_an_audit_event(people):
    alert = make_alert(people.shop)
    steps = [
        ("acknowledge", {}),
        ("assign", {"assignee": str(people.owner.id)}),
        ("resolve", {"remedy": "apology", "note": "Sorry"}),
        ("schedule_follow_up", {"follow_up_at": "2099-01-01T10:00"}),
        ("close", {"outcome": "neutral"}),
        ("reopen", {"note": "Called again"}),
    ]
    for action, form in steps:
        act_on_case(alert, people.manager, action, form, "203.0.113.9")
    db.session.commit()
    assert audit_actions() == [f"case.{action}" for action, _form in steps]
    event = db.session.scalars(select(AuditEvent)).first()
    assert (event.actor_id, event.location_id, event.client_address) == (
        people.manager.id,
        people.shop.id,
        "203.0.113.9",
    )
    assert event.details == {"alert_id": alert.id, "status": "acknowledged"}


def test_staff_may_look_but_not_act(people):
    alert = make_alert(people.shop)
    assert alert_for(people.staff, alert.id) == alert
    assert offered_actions(alert, people.staff) == set()
    with pytest.raises(NotAllowed):
        act_on_case(alert, people.staff, "acknowledge", {}, None)
    assert alert.status == AlertStatus.NEW


def test_another_locations_case_is_not_found(people):
    alert = make_alert(people.shop)
    with pytest.raises(NotVisible):
        alert_for(people.other_manager, alert.id)
    with pytest.raises(NotVisible):
        alert_for(people.manager, alert.id + 1000)
    assert alert_for(people.owner, alert.id) == alert


def test_offered_actions_follow_the_state(people):
    alert = make_alert(people.shop)
    always = {"note", "email_apology"}
    assert offered_actions(alert, people.manager) == {"acknowledge", "assign"} | always
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    assert offered_actions(alert, people.manager) == {"assign", "resolve"} | always


def test_a_case_goes_only_to_colleagues_who_can_act_on_its_location(people):
    alert = make_alert(people.shop)
    assert set(colleagues_for(alert)) == {people.owner, people.manager}
    for outsider in (people.other_manager, people.staff):
        with pytest.raises(SubmissionInvalid) as refused:
            act_on_case(alert, people.owner, "assign", {"assignee": str(outsider.id)}, None)
        assert "assignee" in refused.value.errors
    with pytest.raises(SubmissionInvalid):
        act_on_case(alert, people.owner, "assign", {"assignee": "not-a-number"}, None)
    act_on_case(alert, people.owner, "assign", {"assignee": str(people.manager.id)}, None)
    assert alert.assigned_to == people.manager


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"remedy": "bribe"}, "remedy"),
        ({"remedy": "refund", "amount": "abc"}, "amount"),
        ({"remedy": "refund", "amount": "-3"}, "amount"),
        ({"remedy": "refund", "amount": "1.005"}, "amount"),
        ({"remedy": "refund", "amount": "NaN"}, "amount"),
        ({"remedy": "refund", "amount": "99999999"}, "amount"),
        ({"remedy": "coupon", "amount": "5", "valid_days": "0"}, "valid_days"),
        ({"remedy": "coupon", "amount": "5", "valid_days": "9999"}, "valid_days"),
        ({"remedy": "apology", "note": "bad\x00byte"}, "note"),
        ({"remedy": "apology", "note": "x" * 2001}, "note"),
    ],
)
def test_bad_resolutions_are_refused_with_a_message(people, form, field):
    alert = make_alert(people.shop)
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    with pytest.raises(SubmissionInvalid) as refused:
        act_on_case(alert, people.manager, "resolve", form, None)
    assert field in refused.value.errors
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_a_refund_amount_is_read_with_a_comma_or_a_point(people):
    alert = make_alert(people.shop)
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    act_on_case(alert, people.manager, "resolve", {"remedy": "refund", "amount": "12,5"}, None)
    assert (alert.remedy, alert.amount_cents) == (Remedy.REFUND, 1250)


def test_a_coupon_remedy_issues_a_coupon(people):
    alert = make_alert(people.shop)
    act_on_case(alert, people.manager, "acknowledge", {}, None)
    form = {"remedy": "coupon", "amount": "5", "valid_days": "30"}
    act_on_case(alert, people.manager, "resolve", form, None)
    db.session.commit()
    [coupon] = db.session.scalars(select(Coupon)).all()
    assert (coupon.alert_id, coupon.location_id, coupon.value_cents) == (
        alert.id,
        people.shop.id,
        500,
    )
    assert timedelta(days=29) < coupon.expires_at - utcnow() <= timedelta(days=30)
    assert alert.events[-1].data == {"code": coupon.code, "value_cents": 500, "currency": "EUR"}


def test_a_follow_up_time_is_read_in_the_locations_time_zone(people):
    # Asia/Yerevan is UTC+4 all year.
    assert (
        local_time_to_utc("2099-03-01T10:30", "Asia/Yerevan").isoformat() == "2099-03-01T06:30:00"
    )
    assert local_time_to_utc("not a time", "Asia/Yerevan") is None
    assert local_time_to_utc("2099-03-01T10:30+02:00", "Asia/Yerevan") is None
    alert = make_alert(people.shop)
    for action, form in [("acknowledge", {}), ("resolve", {"remedy": "apology"})]:
        act_on_case(alert, people.manager, action, form, None)
    with pytest.raises(SubmissionInvalid):
        act_on_case(alert, people.manager, "schedule_follow_up", {"follow_up_at": ""}, None)
    with pytest.raises(SubmissionInvalid):
        act_on_case(
            alert, people.manager, "schedule_follow_up", {"follow_up_at": "2000-01-01T10:00"}, None
        )


def test_a_case_changed_by_someone_else_meanwhile_is_refused(people, app):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writing requests (BEGIN IMMEDIATE); this is PostgreSQL's")
    alert = make_alert(people.shop)
    db.session.commit()
    alert = db.session.get(Alert, alert.id)
    assert alert.status == AlertStatus.NEW  # read at version 1
    with db.engine.begin() as other:  # a colleague acknowledges it meanwhile
        other.execute(update(Alert).where(Alert.id == alert.id).values(version=Alert.version + 1))
    with pytest.raises(CaseChanged):
        act_on_case(alert, people.manager, "acknowledge", {}, None)
