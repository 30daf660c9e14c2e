"""The device-silent alert: only during opening hours, once per silence, through the CLI too."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from surveys.cases.raising import DEVICE_SILENT
from surveys.db import db
from surveys.models import Alert, AlertStatus
from surveys.places.device_silence import SILENT_AFTER, check_silent_devices
from surveys.places.devices import device_for_pairing_code, pair_device, revoke_device
from surveys.places.opening_hours import parse_opening_hours

# Monday 23 November 2026 in Yerevan (UTC+4); the shop opens at 09:00, 05:00 UTC.
OPENS = datetime(2026, 11, 23, 5, 0)
MIDDAY = datetime(2026, 11, 23, 8, 0)


@pytest.fixture
def device(app, demo):
    """The demo kiosk, paired a week ago, at a shop open Monday to Saturday 09:00-18:00."""
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        device.paired_at = OPENS - timedelta(days=7)
        device.location.opening_hours = parse_opening_hours(["mon-sat 09:00-18:00"])
        db.session.commit()
        yield device


def alerts() -> list[Alert]:
    return list(db.session.scalars(select(Alert).order_by(Alert.id)))


def test_a_tablet_silent_for_the_threshold_during_opening_hours_alerts(device):
    device.last_heartbeat_at = MIDDAY - SILENT_AFTER - timedelta(minutes=1)
    [alert] = check_silent_devices(now=MIDDAY)
    db.session.commit()
    assert (alert.reason, alert.device_id, alert.response_id) == (DEVICE_SILENT, device.id, None)
    assert alert.location_id == device.location_id and alert.status == AlertStatus.NEW
    assert alerts() == [alert]


def test_a_tablet_heard_from_recently_raises_nothing(device):
    device.last_heartbeat_at = MIDDAY - timedelta(minutes=2)
    device.last_seen_at = MIDDAY - timedelta(hours=3)
    assert check_silent_devices(now=MIDDAY) == []


def test_no_alert_outside_opening_hours(device):
    device.last_heartbeat_at = OPENS - timedelta(hours=10)
    assert check_silent_devices(now=OPENS - timedelta(minutes=1)) == []
    sunday = MIDDAY - timedelta(days=1)
    assert check_silent_devices(now=sunday) == []


def test_the_silence_counts_only_from_opening_time(device):
    device.last_heartbeat_at = OPENS - timedelta(hours=12)  # switched off overnight
    assert check_silent_devices(now=OPENS + SILENT_AFTER - timedelta(minutes=1)) == []
    assert len(check_silent_devices(now=OPENS + SILENT_AFTER)) == 1


def test_a_shop_open_round_the_clock_does_not_open_again_at_midnight(device):
    device.last_heartbeat_at = OPENS - timedelta(days=2)
    device.location.opening_hours = parse_opening_hours(["mon-sun 00:00-24:00"])
    just_after_midnight = datetime(2026, 11, 23, 20, 2)  # Tuesday 00:02 in Yerevan
    assert len(check_silent_devices(now=just_after_midnight)) == 1


def test_one_alert_per_silence_and_a_new_one_after_it_was_handled(device):
    device.last_heartbeat_at = OPENS
    assert len(check_silent_devices(now=MIDDAY)) == 1
    assert check_silent_devices(now=MIDDAY + timedelta(minutes=5)) == []
    alerts()[0].status = AlertStatus.CLOSED
    assert len(check_silent_devices(now=MIDDAY + timedelta(minutes=10))) == 1
    assert len(alerts()) == 2


def test_revoked_tablets_and_shops_without_hours_raise_nothing(device):
    device.last_heartbeat_at = OPENS - timedelta(days=1)
    device.location.opening_hours = {}
    assert check_silent_devices(now=MIDDAY) == []
    device.location.opening_hours = parse_opening_hours(["mon-sat 09:00-18:00"])
    revoke_device(device)
    assert check_silent_devices(now=MIDDAY) == []


def test_the_cli_check_raises_and_commits(app, device):
    device.last_heartbeat_at = datetime(2020, 1, 1)
    device.location.opening_hours = parse_opening_hours(["mon-sun 00:00-24:00"])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["devices", "check-silent", "--minutes", "5"])
    assert result.exit_code == 0, result.output
    assert "Checkout tablet at Demo shop is silent." in result.output
    again = app.test_cli_runner().invoke(args=["devices", "check-silent"])
    assert "0 new device-silent alert(s)." in again.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_the_cli_sets_opening_hours_and_the_exit_pin(app, device):
    runner = app.test_cli_runner()
    location_id = str(device.location_id)
    hours = runner.invoke(args=["locations", "hours", location_id, "mon-fri 10:00-19:00"])
    assert hours.exit_code == 0, hours.output
    bad = runner.invoke(args=["locations", "hours", location_id, "weekdays 10-19"])
    assert bad.exit_code != 0 and "Cannot read" in bad.output
    pin = runner.invoke(args=["locations", "exit-pin", location_id], input="2468\n2468\n")
    assert pin.exit_code == 0, pin.output
    short = runner.invoke(args=["locations", "exit-pin", location_id, "--pin", "12"])
    assert short.exit_code != 0 and "4 to 12 digits" in short.output
    db.session.expire_all()
    assert device.location.opening_hours == {
        day: [["10:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
    }
    assert device.location.exit_pin_hash.startswith("$argon2id$")
