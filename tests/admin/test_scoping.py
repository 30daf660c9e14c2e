"""Listings show only the locations a user may see; the audit page is the owner's alone."""

import uuid

import pytest

from surveys.db import db
from surveys.models import Alert, Channel, Response, Survey, utcnow


@pytest.fixture
def alerts(app, shops):
    """One alert at each shop."""
    with app.app_context():
        survey = Survey(name="Quick faces")
        for location_id in (shops.a, shops.b):
            response = Response(
                uuid=str(uuid.uuid4()),
                survey=survey,
                location_id=location_id,
                channel=Channel.KIOSK,
                language="en",
                captured_at=utcnow(),
                rating=1,
                is_negative=True,
            )
            response.alert = Alert(location_id=location_id, reason="rating")
            db.session.add(response)
        db.session.commit()


@pytest.mark.parametrize(
    ("who", "seen", "hidden"),
    [
        ("owner", ["Shop A", "Shop B"], []),
        ("manager_a", ["Shop A"], ["Shop B"]),
        ("manager_b", ["Shop B"], ["Shop A"]),
        ("staff_a", ["Shop A"], ["Shop B"]),
    ],
)
def test_the_inbox_lists_only_the_users_locations(signed_in, alerts, who, seen, hidden):
    html = signed_in(who).get("/admin/").text
    assert all(name in html for name in seen) and not any(name in html for name in hidden)


def test_staff_see_only_the_inbox_in_the_menu(signed_in):
    html = signed_in("staff_a").get("/admin/").text
    assert ">Alerts</a>" in html and ">Account</a>" in html
    assert ">Locations</a>" not in html and ">Users</a>" not in html


def test_the_owner_reads_the_audit_trail_newest_first(signed_in):
    owner = signed_in("owner")
    signed_in("manager_b").get("/admin/users/")  # refused: written to the trail
    html = owner.get("/admin/audit/").text
    assert "Was refused a page" in html and "manager.b@shops.example" in html
    assert "<dd>admin.users_list</dd>" in html and "from 127.0.0.1" in html
