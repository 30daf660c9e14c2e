"""The audit trail reads as sentences: what was done, in the location's own time, and each
changed setting from what to what."""

import re
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from surveys.cases.actions import ACTIONS
from surveys.db import db
from surveys.labels import AUDIT_ACTION_LABELS
from surveys.models import AuditEvent
from tests.admin.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
RECORDED = re.compile(r"""(?:\.record|record_audit)\(\s*["']([a-z_]+\.?[a-z_]*)["']""")


def test_every_action_the_code_records_has_words():
    recorded = set()
    for folder in ("surveys", "admin", "api", "kiosk"):
        for source in (ROOT / folder).rglob("*.py"):
            recorded |= set(RECORDED.findall(source.read_text(encoding="utf-8")))
    recorded |= {f"case.{action}" for action in ACTIONS}
    assert len(recorded) > 20
    assert sorted(recorded - AUDIT_ACTION_LABELS.keys()) == []


def test_a_settings_change_shows_before_and_after_in_the_shops_time(app, signed_in, shops):
    owner = signed_in("owner")
    form_page = owner.get(f"/admin/locations/{shops.b}/edit")
    assert form_page.status_code == 200
    form = {
        "name": "Shop B",
        "timezone": "Asia/Yerevan",
        "languages": ["hy", "en"],
        "default_language": "hy",
        "response_interval_seconds": "5",
        "idle_timeout_seconds": "45",
        "thank_you_seconds": "6",
        "contact_retention_days": "30",
        "currency": "EUR",
        "escalate_after_minutes": "5",
        "resolve_within_hours": "24",
    }
    assert post_form(owner, f"/admin/locations/{shops.b}", form).status_code == 303
    html = owner.get("/admin/audit/").text
    assert "Changed a location&#39;s settings" in html
    assert re.search(r"<td>Days contact details are kept</td><td>90</td><td>30</td>", html)
    assert re.search(
        r"<td>Seconds before a follow-up is abandoned</td><td>30</td><td>45</td>", html
    )
    assert "<td>Time zone</td>" not in html  # unchanged settings are not listed
    assert "(Asia/Yerevan)" in html
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "location.updated")
        ).one()
        local = event.at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Yerevan"))
    assert local.strftime("%-I:%M:%S") in html  # Yerevan's clock, not UTC's


def test_an_account_change_names_the_role_and_locations(app, signed_in, shops):
    owner = signed_in("owner")
    form = {"email": "other.a@shops.example", "role": "staff", "location_ids": [str(shops.b)]}
    assert post_form(owner, f"/admin/users/{shops.other_manager_a}", form).status_code == 303
    html = owner.get("/admin/audit/").text
    assert "Changed an account" in html and "<dd>other.a@shops.example</dd>" in html
    assert re.search(r"<td>Role</td><td>Manager</td><td>Staff \(reads the inbox\)</td>", html)
    assert re.search(r"<td>Locations</td><td>Shop A</td><td>Shop B</td>", html)


def test_the_trail_speaks_the_owners_language(app, signed_in, shops):
    owner = signed_in("owner")
    signed_in("manager_b").get("/admin/users/")  # refused
    html = owner.get("/admin/audit/", headers={"Accept-Language": "sq"}).text
    assert "Iu refuzua një faqe" in html and "Was refused a page" not in html
