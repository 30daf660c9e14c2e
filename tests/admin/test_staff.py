"""Managers keep their locations' staff lists: add, rename, deactivate, with htmx or without."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import AuditEvent, Staff
from tests.admin.conftest import PARTIAL, post_form


def test_the_list_shows_the_locations_staff_only(signed_in, shops):
    html = signed_in("manager_a").get(f"/admin/locations/{shops.a}/staff/").text
    assert 'value="Arben"' in html and "Anahit" not in html
    assert "Staff of Shop A" in html


def test_htmx_adds_a_person_and_gets_the_list_back_alone(signed_in, shops):
    url = f"/admin/locations/{shops.a}/staff/"
    response = post_form(signed_in("manager_a"), url, {"name": "Leyla"}, PARTIAL)
    assert response.status_code == 200 and "<html" not in response.text
    assert 'value="Leyla"' in response.text and 'id="staff"' in response.text
    assert "HX-Request-Type" in response.headers["Vary"]


def test_a_plain_form_post_redirects_back_to_the_list(signed_in, shops):
    url = f"/admin/locations/{shops.a}/staff/"
    response = post_form(signed_in("manager_a"), url, {"name": "Leyla"})
    assert response.status_code == 303 and response.headers["Location"] == url


def test_a_duplicate_name_comes_back_as_422_next_to_the_field(signed_in, shops):
    url = f"/admin/locations/{shops.a}/staff/"
    response = post_form(signed_in("manager_a"), url, {"name": "ARBEN"}, PARTIAL)
    assert response.status_code == 422
    assert "already has this name" in response.text and 'value="ARBEN"' in response.text


def test_renaming_to_nothing_is_refused_and_the_name_kept(app, signed_in, shops):
    manager = signed_in("manager_a")
    response = post_form(manager, f"/admin/staff/{shops.staff_member_a}", {"name": " "}, PARTIAL)
    assert response.status_code == 422 and "A name needs 1 to 80 characters." in response.text
    assert post_form(manager, f"/admin/staff/{shops.staff_member_a}", {"name": "Arben K."})
    with app.app_context():
        assert db.session.get(Staff, shops.staff_member_a).name == "Arben K."


def test_deactivated_staff_leave_the_kiosk_list_and_can_come_back(app, signed_in, shops):
    manager = signed_in("manager_a")
    gone = post_form(manager, f"/admin/staff/{shops.staff_member_a}/deactivate", headers=PARTIAL)
    assert "Reactivate" in gone.text
    with app.app_context():
        assert db.session.get(Staff, shops.staff_member_a).location.active_staff() == []
    back = post_form(manager, f"/admin/staff/{shops.staff_member_a}/reactivate")
    assert back.status_code == 303


def test_another_locations_staff_member_is_not_found_and_the_attempt_audited(app, signed_in, shops):
    response = post_form(signed_in("manager_b"), f"/admin/staff/{shops.staff_member_a}/deactivate")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Staff, shops.staff_member_a).active
        refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.refused"))
        assert (refused.actor_id, refused.location_id) == (shops.manager_b, shops.a)
        assert refused.details == {
            "endpoint": "admin.staff_deactivate",
            "status": 404,
            "staff_id": shops.staff_member_a,
        }


def test_an_unknown_location_is_refused_alike_and_audited_without_breaking(app, signed_in):
    assert signed_in("staff_a").get("/admin/locations/999/staff/").status_code == 403
    assert signed_in("manager_a").get("/admin/locations/999/staff/").status_code == 404
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == "access.refused")
        refused = db.session.scalars(query)
        assert [(e.location_id, e.details["requested_location_id"]) for e in refused] == [
            (None, 999),
            (None, 999),
        ]
