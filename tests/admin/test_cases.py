"""Cases over HTTP: the page, each action by htmx and by plain form, refusals, CSRF."""

import re
import threading
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from babel.numbers import format_currency
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
    "acknowledge",
    "assign",
    "resolve",
    "follow-up",
    "close",
    "reopen",
    "apology",
    "remedy",
    "note",
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


def test_a_manager_writes_a_note_that_shows_who_and_when_in_the_locations_time(
    app, client, cast, new_alert
):
    alert_id = new_alert()
    with app.app_context():
        db.session.get(Alert, alert_id).location.timezone = "Asia/Yerevan"
        db.session.commit()
    sign_in(client, cast.manager)
    response = post_action(client, alert_id, "note", {"note": "Called <b>twice</b>, no answer."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The note is on the timeline." in html
    assert "Called &lt;b&gt;twice&lt;/b&gt;, no answer." in html and cast.manager in html
    with app.app_context():
        event = db.session.get(Alert, alert_id).events[-1]
        local = event.at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Yerevan"))
        assert event.kind.value == "note_added" and event.alert.status.value == "new"
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.note"))
        assert audit.one().actor_id == cast.manager_id
    # The shop's clock, not UTC, as English writes it (a 12-hour clock).
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}\u202f{'AM' if local.hour < 12 else 'PM'}"
    assert clock in html


def test_an_empty_or_oversized_note_is_a_translated_422(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    empty = post_action(client, alert_id, "note", {"note": " "})
    assert empty.status_code == 422 and "Please write the note first." in empty.get_data(True)
    headers = csrf_headers(client) | PARTIAL | {"Accept-Language": "sq"}
    long = client.post(f"/admin/alerts/{alert_id}/note", data={"note": "x" * 2001}, headers=headers)
    assert long.status_code == 422 and "Please keep it under" not in long.get_data(True)
    with app.app_context():
        assert db.session.get(Alert, alert_id).events == []


def test_several_remedies_show_in_the_locations_currency_with_their_sum(
    app, client, cast, new_alert
):
    alert_id = new_alert()
    with app.app_context():
        db.session.get(Alert, alert_id).location.currency = "AMD"
        db.session.commit()
    sign_in(client, cast.manager)
    post_action(client, alert_id, "acknowledge")
    page = post_action(client, alert_id, "resolve", {"remedy": "refund", "amount": "2000"})
    assert "(AMD)" in client.get(f"/admin/alerts/{alert_id}").get_data(True)
    more = post_action(client, alert_id, "remedy", {"remedy": "refund", "amount": "1500"})
    html = more.get_data(as_text=True)
    assert page.status_code == more.status_code == 200
    assert "The remedy is added to the case." in html
    amd = {n: format_currency(n, "AMD", locale="en") for n in (2000, 1500, 3500)}  # AMD1,500.00
    assert amd[2000] in html and amd[1500] in html
    assert f"In all: {amd[3500]}" in html
    refused = post_action(client, alert_id, "remedy", {"remedy": "refund", "amount": "0"})
    assert refused.status_code == 422


def test_the_apology_becomes_send_again_and_is_refused_once_closed(app, client, cast, new_alert):
    alert_id = new_alert(email="ani@example.com")
    sign_in(client, cast.manager)
    first = post_action(client, alert_id, "apology", {"text": "Sorry.", "sent_before": "0"})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Send again" in html and 'name="again"' in html
    again = post_action(client, alert_id, "apology", {"text": "Sorry.", "sent_before": "0"})
    assert again.status_code == 409 and "already sent" in again.get_data(True)
    unconfirmed = post_action(client, alert_id, "apology", {"text": "Hi", "sent_before": "1"})
    assert unconfirmed.status_code == 422
    confirmed = {"text": "Hi", "sent_before": "1", "again": "yes"}
    assert post_action(client, alert_id, "apology", confirmed).status_code == 200
    post_action(client, alert_id, "acknowledge")
    post_action(client, alert_id, "resolve", {"remedy": "apology"})
    post_action(client, alert_id, "close", {"outcome": "won_back"})
    closed = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert "Send again" not in closed and 'id="apology-text"' not in closed
    late = {"text": "Hi", "sent_before": "2", "again": "yes"}
    headers = csrf_headers(client) | PARTIAL | {"Accept-Language": "hy"}
    refused = client.post(f"/admin/alerts/{alert_id}/apology", data=late, headers=headers)
    assert refused.status_code == 409 and "reopen it before" not in refused.get_data(True)
    with app.app_context():
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.destination == "ani@example.com")
        ).all()
        assert [m.payload["facts"]["text"] for m in mails] == ["Sorry.", "Hi"]


def test_the_apology_is_pre_filled_in_the_customers_language(app, client, cast, new_alert):
    alert_id = new_alert(email="ani@example.com", language="fa")
    sign_in(client, cast.manager)
    html = client.get(f"/admin/alerts/{alert_id}", headers={"Accept-Language": "en"}).text
    assert 'lang="fa" dir="rtl"' in html and "The apology e-mail, in فارسی" in html
    assert "Thank you for telling us" not in html.split('id="apology-text"')[1].split("</")[0]


def test_a_double_click_from_two_tabs_sends_the_apology_once(app, live_server, cast, new_alert):
    alert_id = new_alert(email="ani@example.com")
    tabs = [requests.Session(), requests.Session()]
    for tab in tabs:
        live_sign_in(tab, live_server, cast.manager)
    tokens = [live_csrf(tab, live_server) for tab in tabs]
    barrier = threading.Barrier(2)
    statuses = []

    def send(tab, token):
        barrier.wait()
        url = f"{live_server}/admin/alerts/{alert_id}/apology"
        form = {"text": "Sorry.", "sent_before": "0"}
        response = tab.post(url, data=form, headers={"X-CSRFToken": token, **PARTIAL}, timeout=30)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(tabs, tokens, strict=True)]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert sorted(statuses) == [200, 409]
    with app.app_context():
        assert db.session.get(Alert, alert_id).apologies_sent == 1
        sent = select(OutboxMessage).where(OutboxMessage.destination == "ani@example.com")
        assert len(db.session.scalars(sent).all()) == 1


def test_a_manager_edits_the_apology_text_of_their_location(app, client, cast, new_alert):
    alert_id = new_alert(email="ani@example.com")
    sign_in(client, cast.manager)
    page = client.get(f"/admin/locations/{cast.shop_id}/apology").get_data(as_text=True)
    assert "Thank you for telling us that your visit to Demo shop" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "text-en": "We let you down, and we will do better."}
    saved = client.post(f"/admin/locations/{cast.shop_id}/apology", data=form)
    assert saved.status_code == 303
    case = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert ">We let you down, and we will do better.</textarea>" in case
    bad = client.post(
        f"/admin/locations/{cast.shop_id}/apology", data={**form, "text-en": "x" * 2001}
    )
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert client.post(f"/admin/locations/{cast.shop_id}/apology", data={}).status_code == 400
