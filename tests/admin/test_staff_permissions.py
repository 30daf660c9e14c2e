"""What staff accounts may do is the location's setting: nothing beyond reading until a
manager of that location allows it, and only there; managers switch their own duty."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, AlertStatus, AuditEvent, Location
from tests.case_factories import csrf_headers, sign_in

CONTACT = "ani.petrosyan@example.am"


def allow(client, shop_id: int, *permissions: str):
    form = {"permissions": list(permissions)}
    url = f"/admin/locations/{shop_id}/staff-permissions"
    return client.post(url, data=form, headers=csrf_headers(client))


def acknowledge(client, alert_id: int):
    url = f"/admin/alerts/{alert_id}/acknowledge"
    return client.post(url, headers=csrf_headers(client))


def test_staff_read_a_case_but_neither_acknowledge_nor_see_the_contact_by_default(
    app, client, cast, new_alert
):
    alert_id = new_alert(email=CONTACT)
    sign_in(client, cast.staff)
    case = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert CONTACT not in case and "Ask a manager to get in touch" in case
    assert f"/admin/alerts/{alert_id}/acknowledge" not in case
    assert acknowledge(client, alert_id).status_code == 403
    with app.app_context():
        assert db.session.get(Alert, alert_id).status == AlertStatus.NEW


def test_a_manager_lets_staff_acknowledge_and_read_contacts(app, client, cast, new_alert):
    alert_id = new_alert(email=CONTACT)
    manager = client.application.test_client()
    sign_in(manager, cast.manager)
    staff_page = manager.get(f"/admin/locations/{cast.shop_id}/staff/").get_data(as_text=True)
    assert 'value="staff_may_acknowledge"' in staff_page
    saved = allow(manager, cast.shop_id, "staff_may_acknowledge", "staff_may_see_contact")
    assert saved.status_code == 303
    sign_in(client, cast.staff)
    case = client.get(f"/admin/alerts/{alert_id}").get_data(as_text=True)
    assert CONTACT in case and f"/admin/alerts/{alert_id}/acknowledge" in case
    assert f"/admin/alerts/{alert_id}/resolve" not in case
    assert "E-mail the customer an apology" not in case
    assert acknowledge(client, alert_id).status_code in (200, 303)
    resolve = client.post(
        f"/admin/alerts/{alert_id}/resolve",
        data={"remedy": "apology"},
        headers=csrf_headers(client),
    )
    assert resolve.status_code == 403
    with app.app_context():
        assert db.session.get(Alert, alert_id).status == AlertStatus.ACKNOWLEDGED
        change = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "location.staff_permissions_changed")
        ).one()
        assert change.details["before"]["staff_may_acknowledge"] is False
        assert change.details["after"]["staff_may_see_contact"] is True


def test_the_permission_holds_only_at_the_location_that_gave_it(app, client, cast, new_alert):
    other_alert = new_alert(shop_id=cast.other_shop_id)
    owner = client.application.test_client()
    sign_in(owner, cast.owner)
    assert allow(owner, cast.other_shop_id, "staff_may_acknowledge").status_code == 303
    sign_in(client, cast.staff)  # staff of the first shop only
    assert acknowledge(client, other_alert).status_code == 404


def test_a_manager_of_another_shop_cannot_change_the_permissions(app, client, cast):
    sign_in(client, cast.other_manager)
    assert allow(client, cast.shop_id, "staff_may_see_contact").status_code == 404
    with app.app_context():
        assert not db.session.get(Location, cast.shop_id).staff_may_see_contact


def test_an_unknown_permission_is_refused_and_nothing_changes(app, client, cast):
    sign_in(client, cast.manager)
    refused = allow(client, cast.shop_id, "staff_may_acknowledge", "staff_may_close_the_shop")
    assert refused.status_code == 422
    assert "Choose among the permissions shown." in refused.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Location, cast.shop_id).staff_may_acknowledge


def test_a_manager_goes_on_and_off_duty_for_their_own_shop(app, client, cast):
    sign_in(client, cast.manager)
    on = client.post(
        f"/admin/locations/{cast.shop_id}/duty",
        data={"on_duty": "on"},
        headers=csrf_headers(client),
    )
    assert on.status_code == 303
    listing = client.get("/admin/locations/").get_data(as_text=True)
    assert "Go off duty" in listing
    with app.app_context():
        assert db.session.get(Location, cast.shop_id).manager_on_duty
    off = client.post(f"/admin/locations/{cast.shop_id}/duty", headers=csrf_headers(client))
    assert off.status_code == 303
    with app.app_context():
        assert not db.session.get(Location, cast.shop_id).manager_on_duty
    other = client.application.test_client()
    sign_in(other, cast.other_manager)
    refused = other.post(
        f"/admin/locations/{cast.shop_id}/duty", data={"on_duty": "on"}, headers=csrf_headers(other)
    )
    assert refused.status_code == 404
    with app.app_context():
        assert not db.session.get(Location, cast.shop_id).manager_on_duty
