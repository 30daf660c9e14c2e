"""Coupons over HTTP: issue from a case, print, redeem once, even when two tills race."""

import re
import threading

import pytest
import requests
from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, Coupon, Location
from tests.case_factories import csrf_headers, live_csrf, live_sign_in, sign_in
from tests.threads import join_all

PARTIAL = {"HX-Request-Type": "partial"}


def issue_coupon_through_the_case(client, alert_id: int) -> str:
    """Acknowledge and resolve with a 5.00 coupon; return the printed code."""
    headers = csrf_headers(client) | PARTIAL
    client.post(f"/admin/alerts/{alert_id}/acknowledge", headers=headers)
    form = {"remedy": "coupon", "amount": "5", "valid_days": "30"}
    html = client.post(f"/admin/alerts/{alert_id}/resolve", data=form, headers=headers).get_data(
        as_text=True
    )
    assert "The coupon is ready to print." in html
    return re.search(r'<code class="coupon-code">([A-Z0-9-]{14})</code>', html).group(1)


@pytest.fixture
def tills_allowed(app, cast):
    """The manager lets the shop's staff redeem coupons at the till."""
    with app.app_context():
        db.session.get(Location, cast.shop_id).staff_may_redeem_coupons = True
        db.session.commit()


def redeem(client, code: str):
    return client.post(
        "/admin/coupons/redeem", data={"code": code}, headers=csrf_headers(client) | PARTIAL
    )


def test_a_coupon_is_printable_with_its_qr_code(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    code = issue_coupon_through_the_case(client, alert_id)
    with app.app_context():
        coupon_id = db.session.scalars(select(Coupon.id)).one()
    page = client.get(f"/admin/coupons/{coupon_id}").get_data(as_text=True)
    assert code in page and '<svg class="qr" role="img"' in page and "5.00" in page
    other = client.application.test_client()
    sign_in(other, cast.other_manager)
    assert other.get(f"/admin/coupons/{coupon_id}").status_code == 404


def test_a_coupon_is_redeemed_once_and_the_second_time_refused(
    client, cast, new_alert, tills_allowed
):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    code = issue_coupon_through_the_case(client, alert_id)
    till = client.application.test_client()
    sign_in(till, cast.staff)  # staff redeem at the till
    first = redeem(till, code.lower())
    assert first.status_code == 200
    assert f"Coupon {code} redeemed: €5.00 off, at Demo shop." in first.get_data(as_text=True)
    second = redeem(till, code)
    assert second.status_code == 409
    assert "This coupon was already redeemed on" in second.get_data(as_text=True)
    unknown = redeem(till, "ZZZZ-ZZZZ-ZZZZ")
    assert unknown.status_code == 422 and "No coupon has this code" in unknown.get_data(
        as_text=True
    )
    assert "Coupon redeemed" in client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)


def test_the_redeem_page_works_without_htmx(client, cast, tills_allowed):
    sign_in(client, cast.staff)
    page = client.get("/admin/coupons/redeem").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/admin/coupons/redeem", data={"code": "nonsense", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and 'value="nonsense"' in html


def test_two_tills_redeeming_the_same_coupon_at_once_one_succeeds(
    app, live_server, client, cast, new_alert, tills_allowed
):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    code = issue_coupon_through_the_case(client, alert_id)
    tills = [requests.Session(), requests.Session()]
    for till, email in zip(tills, [cast.staff, cast.manager], strict=True):
        live_sign_in(till, live_server, email)
    tokens = [live_csrf(till, live_server) for till in tills]
    barrier = threading.Barrier(2)
    statuses = []

    def redeem_at(till, token):
        barrier.wait()
        response = till.post(
            f"{live_server}/admin/coupons/redeem",
            data={"code": code},
            headers={"X-CSRFToken": token, **PARTIAL},
            timeout=30,
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=redeem_at, args=pair) for pair in zip(tills, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert sorted(statuses) == [200, 409]
    with app.app_context():
        coupon = db.session.scalars(select(Coupon)).one()
        assert coupon.redeemed_at is not None
        assert [e.kind.value for e in coupon.alert.events].count("coupon_redeemed") == 1


def test_staff_redeem_nothing_until_the_manager_allows_it(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    code = issue_coupon_through_the_case(client, alert_id)
    till = client.application.test_client()
    sign_in(till, cast.staff)
    assert "/admin/coupons/redeem" not in till.get("/admin/").get_data(as_text=True)
    assert till.get("/admin/coupons/redeem").status_code == 403
    assert redeem(till, code).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Coupon.redeemed_at)).one() is None
    allow = {"permissions": ["staff_may_redeem_coupons"]}
    saved = client.post(
        f"/admin/locations/{cast.shop_id}/staff-permissions",
        data=allow,
        headers=csrf_headers(client),
    )
    assert saved.status_code == 303
    assert "/admin/coupons/redeem" in till.get("/admin/").get_data(as_text=True)
    assert f"Coupon {code} redeemed" in redeem(till, code).get_data(as_text=True)


def test_the_coupon_prints_in_the_customers_language_on_the_chosen_paper(
    app, client, cast, new_alert
):
    alert_id = new_alert(language="sq")
    sign_in(client, cast.manager)
    code = issue_coupon_through_the_case(client, alert_id)
    with app.app_context():
        coupon_id = db.session.get(Alert, alert_id).coupons[0].id
    english = {"Accept-Language": "en"}
    page = client.get(f"/admin/coupons/{coupon_id}", headers=english).get_data(as_text=True)
    coupon = page.split('<article class="coupon"')[1].split("</article>")[0]
    assert 'lang="sq" dir="ltr"' in coupon and code in coupon
    assert "5,00\xa0€" in coupon  # the customer's way of writing it
    assert "A coupon worth" not in coupon and "We are sorry" not in coupon
    assert "Print this page and hand it to the customer." in page  # the manager's words
    assert "css/coupon-a6.css" in page and 'value="a6" checked' in page
    receipt = client.get(f"/admin/coupons/{coupon_id}?paper=receipt").get_data(as_text=True)
    assert "css/coupon-receipt.css" in receipt and 'value="receipt" checked' in receipt
    odd = client.get(f"/admin/coupons/{coupon_id}?paper=../../etc").get_data(as_text=True)
    assert "css/coupon-a6.css" in odd
