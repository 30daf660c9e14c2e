"""Cases over HTTP: the page, each action by htmx and by plain form, refusals, CSRF."""

import re
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, AlertStatus, AuditEvent, OutboxMessage, Response, Staff, utcnow
from tests.case_factories import csrf_headers, live_csrf, live_sign_in, sign_in
from tests.threads import join_all

PARTIAL = {"HX-Request-Type": "partial"}


def post_action(client, alert_id: int, action: str, data=None, htmx: bool = True):
    """A case action as the page's htmx form sends it (or as a plain form)."""
    headers = csrf_headers(client) | (PARTIAL if htmx else {})
    return client.post(f"/admin/alerts/{alert_id}/{action}", data=data or {}, headers=headers)


def stored(app, alert_id: int) -> Alert:
    with app.app_context():
        alert = db.session.get(Alert, alert_id)
        db.session.expunge(alert)
        return alert


def test_the_case_page_shows_the_response_and_the_customers_consented_contact(
    app, client, cast, new_alert
):
    alert_id = new_alert(words="Cold soup", topics=("product",), email="ani@example.com")
    with app.app_context():
        response = db.session.get(Alert, alert_id).response
        response.staff = db.session.scalars(select(Staff).where(Staff.name == "Leyla")).one()
        db.session.commit()
    sign_in(client, cast.manager)
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    for expected in ["Cold soup", "Product", "1 of 5", "Leyla", "ani@example.com", "Consent given"]:
        assert expected in html
    assert "m on it</button>" in html


def test_without_consent_there_is_no_contact_to_show(client, cast, new_alert):
    alert_id = new_alert(words="No details")
    sign_in(client, cast.manager)
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert "The customer left no contact details." in html and "mailto:" not in html


def test_the_case_page_remembers_what_the_customer_said_last_time(client, cast, new_alert):
    earlier = new_alert(
        words="The queue was too long",
        email="ani@example.com",
        captured_at=utcnow() - timedelta(days=9),
    )
    now = new_alert(words="Again", email="ANI@example.com")
    sign_in(client, cast.manager)
    html = client.get(f"/admin/alerts/{now}").get_data(as_text=True)
    assert "Last time:" in html and "“The queue was too long”" in html
    assert f'href="/admin/alerts/{earlier}"' in html


def test_a_case_goes_through_its_whole_life_by_htmx(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    steps = [
        ("acknowledge", {}, "You have this case. Go to the customer.", "Acknowledged"),
        (
            "resolve",
            {"remedy": "refund", "amount": "4.50", "note": "Refunded"},
            "Resolved.",
            "Resolved",
        ),
        ("follow-up", {"follow_up_at": "2099-05-01T12:00"}, "Follow-up scheduled.", "Resolved"),
        ("close", {"outcome": "won_back", "note": "Smiling"}, "Case closed.", "Closed"),
        ("reopen", {"note": "Came back upset"}, "Case reopened.", "Reopened"),
    ]
    for action, data, message, status in steps:
        response = post_action(client, alert_id, action, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html
        assert "<html" not in html and html.lstrip().startswith('<section id="case"')
        assert message in html and f'id="case-status">{status}<' in html
    alert = stored(app, alert_id)
    assert (alert.status, alert.amount_cents) == (AlertStatus.REOPENED, 450)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-5:] == [
        "case.acknowledge",
        "case.resolve",
        "case.schedule_follow_up",
        "case.close",
        "case.reopen",
    ]


def test_a_plain_form_post_redirects_back_to_the_case_with_a_message(client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    response = post_action(client, alert_id, "acknowledge", htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/alerts/{alert_id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have this case. Go to the customer." in page


def test_an_action_the_state_does_not_allow_is_a_409_with_the_reason(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    response = post_action(client, alert_id, "close", {"outcome": "won_back"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only a resolved case can be closed." in html and 'role="alert"' in html
    assert stored(app, alert_id).status == AlertStatus.NEW
    plain = post_action(client, alert_id, "reopen", htmx=False)
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)


def test_bad_input_is_a_422_with_the_form_filled_in_again(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    post_action(client, alert_id, "acknowledge")
    response = post_action(
        client, alert_id, "resolve", {"remedy": "refund", "amount": "lots", "note": "Hm"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please give the amount, e.g. 12.50." in html
    assert 'value="lots"' in html and 'aria-invalid="true"' in html and ">Hm</textarea>" in html
    assert re.search(r'value="refund"\s+checked', html)
    assert stored(app, alert_id).status == AlertStatus.ACKNOWLEDGED


def test_two_managers_acknowledging_at_once_one_wins(app, live_server, cast, new_alert):
    alert_id = new_alert()
    sessions = [requests.Session(), requests.Session()]
    for session, email in zip(sessions, [cast.manager, cast.owner], strict=True):
        live_sign_in(session, live_server, email)
    tokens = [live_csrf(session, live_server) for session in sessions]
    barrier = threading.Barrier(2)
    statuses = []

    def acknowledge(session, token):
        barrier.wait()
        url = f"{live_server}/admin/alerts/{alert_id}/acknowledge"
        statuses.append(
            session.post(url, headers={"X-CSRFToken": token, **PARTIAL}, timeout=30).status_code
        )

    threads = [
        threading.Thread(target=acknowledge, args=pair)
        for pair in zip(sessions, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert sorted(statuses) == [200, 409]
    assert len(stored_events(app, alert_id)) == 1


def stored_events(app, alert_id):
    with app.app_context():
        return [event.kind for event in db.session.get(Alert, alert_id).events]


def test_staff_see_the_case_without_buttons_and_may_not_act(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.staff)
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert 'id="case-status">New<' in html and 'class="case-actions"' not in html
    for action in ACTIONS:
        assert post_action(client, alert_id, action, {"outcome": "lost"}).status_code == 403
    assert stored(app, alert_id).status == AlertStatus.NEW
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("%.refused"))
        ).all()
        assert len(refused) == len(ACTIONS)  # one record of each attempt, by the one guard
        assert {event.action for event in refused} == {"access.refused"}
        assert {event.details["alert_id"] for event in refused} == {alert_id}
        assert {event.details["status"] for event in refused} == {403}


def test_another_locations_manager_gets_404_for_every_case_route(client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.other_manager)
    assert client.get(f"/admin/alerts/{alert_id}").status_code == 404
    for action in ACTIONS:
        assert post_action(client, alert_id, action).status_code == 404
    assert post_action(client, alert_id + 100, "acknowledge").status_code == 404


ACTIONS = [
    "acknowledge", "assign", "resolve", "follow-up", "close", "reopen", "apology", "remedy", "note"
]
POST_ROUTES = [f"/admin/alerts/{{id}}/{action}" for action in ACTIONS] + [
    "/admin/alerts/presence",
    "/admin/coupons/redeem",
]


@pytest.mark.parametrize("route", POST_ROUTES)
def test_every_post_needs_the_csrf_token(app, client, cast, new_alert, route):
    alert_id = new_alert()
    sign_in(client, cast.owner)
    response = client.post(route.format(id=alert_id), data={"code": "x"}, headers=PARTIAL)
    assert response.status_code == 400
    bad = client.post(route.format(id=alert_id), headers={"X-CSRFToken": "forged", **PARTIAL})
    assert bad.status_code == 400
    assert stored(app, alert_id).status == AlertStatus.NEW


def test_an_assignment_offers_and_accepts_only_colleagues_of_the_location(
    app, client, cast, new_alert
):
    alert_id = new_alert()
    sign_in(client, cast.owner)
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert "manager@example.com</option>" in html and "other@example.com" not in html
    assert "staff@example.com</option>" not in html
    response = post_action(client, alert_id, "assign", {"assignee": str(cast.manager_id)})
    assert (
        response.status_code == 200
        and "The case is now with manager@example.com." in response.get_data(as_text=True)
    )
    assert post_action(client, alert_id, "assign", {"assignee": "99"}).status_code == 422
    with app.app_context():
        assert db.session.get(Alert, alert_id).assigned_to.email == cast.manager
        assert db.session.scalars(select(Response)).one()


def test_the_manager_e_mails_the_customer_an_apology_with_the_coupon(app, client, cast, new_alert):
    """The apology is queued in the customer's language, with the coupon, and on the timeline."""
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    alert_id = new_alert(words="Cold soup", email="ani@example.com")
    sign_in(client, cast.manager)
    post_action(client, alert_id, "acknowledge")
    post_action(
        client, alert_id, "resolve", {"remedy": "coupon", "amount": "5", "valid_days": "30"}
    )
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert "E-mail the customer an apology" in html and "with the coupon" in html
    assert "your visit to Demo shop was not what it should have been" in html  # the draft
    sent = post_action(client, alert_id, "apology", {"text": "Sorry about the soup, Ani."})
    assert sent.status_code == 200 and "Apology e-mailed to the customer" in sent.get_data(True)
    with app.app_context():
        [message] = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.destination == "ani@example.com")
        ).all()
        coupon = db.session.get(Alert, alert_id).coupons[-1]
        assert message.payload["facts"]["coupon_code"] == coupon.code
        assert message.payload["facts"]["coupon_value"] == "€5.00"
        assert message.payload["facts"]["text"] == "Sorry about the soup, Ani."


def test_no_apology_without_an_e_mail_address(app, client, cast, new_alert):
    alert_id = new_alert(words="No details")
    sign_in(client, cast.manager)
    html = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert "E-mail the customer an apology" not in html
    refused = post_action(client, alert_id, "apology")
    assert refused.status_code == 422
    assert "did not leave an e-mail address" in refused.get_data(as_text=True)
