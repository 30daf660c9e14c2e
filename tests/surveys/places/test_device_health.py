"""Heartbeats and device health: what a tablet reports, online or offline, the health cells."""

from datetime import timedelta

import pytest
from flask import render_template

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import utcnow
from surveys.places.device_health import (
    OFFLINE_AFTER,
    Heartbeat,
    device_health,
    devices_health,
    record_heartbeat,
)
from surveys.places.devices import create_device, revoke_device

BEAT = Heartbeat(
    app_version="2efd6540a3163a3b",
    queue_length="3",
    battery_percent="87",
    battery_charging="false",
    clock_skew_seconds="-42",
    last_error="send failed: Failed to fetch",
)


def test_a_heartbeat_stores_what_the_tablet_reports(device):
    record_heartbeat(device, BEAT)
    db.session.commit()
    assert device.app_version == "2efd6540a3163a3b"
    assert (device.queue_length, device.battery_percent, device.battery_charging) == (3, 87, False)
    assert device.clock_skew_seconds == -42
    assert device.last_error == "send failed: Failed to fetch"
    assert utcnow() - device.last_heartbeat_at < timedelta(seconds=5)


def test_a_browser_without_battery_or_errors_reports_blanks(device):
    record_heartbeat(device, Heartbeat(app_version="v1", queue_length="0"))
    assert device.battery_percent is None and device.battery_charging is None
    assert device.last_error is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("queue_length", "-1"),
        ("queue_length", "many"),
        ("battery_percent", "101"),
        ("battery_charging", "maybe"),
        ("clock_skew_seconds", "1e9"),
        ("app_version", "v" * 65),
        ("last_error", "bad\x00byte"),
    ],
)
def test_a_bad_heartbeat_changes_nothing(device, field, value):
    with pytest.raises(SubmissionInvalid) as refused:
        record_heartbeat(device, Heartbeat(**(BEAT.__dict__ | {field: value})))
    assert field in refused.value.errors
    assert device.last_heartbeat_at is None and device.app_version is None


def test_a_very_long_error_is_cut_not_refused(device):
    record_heartbeat(device, Heartbeat(last_error="x" * 5000))
    assert len(device.last_error) == 300


def test_online_until_three_beats_are_missed(device):
    record_heartbeat(device, BEAT)
    beat = device.last_heartbeat_at
    assert device_health(device, now=beat + OFFLINE_AFTER).online
    assert not device_health(device, now=beat + OFFLINE_AFTER + timedelta(seconds=1)).online


def test_a_tap_counts_as_contact_and_a_revoked_tablet_is_offline(device):
    device.last_seen_at = utcnow()
    health = device_health(device)
    assert health.online and health.last_seen_at == device.last_seen_at
    revoke_device(device)
    assert not device_health(device).online


def test_the_list_holds_paired_tablets_of_the_locations_asked_for(device):
    unpaired, _code = create_device(device.location, "Spare tablet")
    db.session.commit()
    assert [h.device.name for h in devices_health()] == ["Checkout tablet"]
    assert devices_health({device.location_id + 1}) == []
    assert unpaired.id not in {h.device.id for h in devices_health()}


def render_cells(app, health) -> str:
    with app.test_request_context():
        return render_template("admin/devices/_health.html", health=health)


def test_the_health_cells_show_status_last_seen_queue_battery_version_error(app, device):
    record_heartbeat(device, BEAT)
    device.last_error = "<script>alert(1)</script>"
    html = render_cells(app, device_health(device))
    assert "Online" in html and "87 %" in html and "2efd6540a3163a3b" in html
    assert "<td>3</td>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_health_cells_of_a_tablet_never_heard_from(app, device):
    html = render_cells(app, device_health(device))
    assert "Offline" in html and "Never" in html


def test_the_headings_match_the_cells(app, device):
    with app.test_request_context():
        headings = render_template("admin/devices/_health_headings.html")
    assert headings.count("<th ") == render_cells(app, device_health(device)).count("<td")
