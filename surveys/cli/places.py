"""Commands: `flask --app wsgi locations add|hours|exit-pin`, `devices pair|revoke|check-silent`."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from surveys.cli.urls import pairing_url
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Device, Location
from surveys.places.device_silence import SILENT_AFTER, check_silent_devices
from surveys.places.devices import create_device, revoke_device
from surveys.places.kiosk_exit import set_exit_pin
from surveys.places.locations import create_location
from surveys.places.opening_hours import parse_opening_hours

locations = AppGroup("locations", help="Manage locations.")


@locations.command("add")
@click.argument("name")
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--languages", default="en", show_default=True, help="Comma-separated codes.")
@click.option("--default-language", default="en", show_default=True)
def locations_add(name: str, timezone: str, languages: str, default_language: str):
    """Add a location."""
    try:
        location = create_location(name, timezone, languages.split(","), default_language)
    except SubmissionInvalid as invalid:
        raise click.UsageError("; ".join(invalid.errors.values())) from None
    db.session.commit()
    click.echo(f"Location {location.id}: {location.name}")


def _location(location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None:
        raise click.UsageError(f"No location {location_id}")
    return location


@locations.command("hours")
@click.argument("location_id", type=int)
@click.argument("specs", nargs=-1)
def locations_hours(location_id: int, specs: tuple[str, ...]):
    """Set opening hours, e.g. "mon-fri 09:00-18:00" "sat 10:00-14:00"; none: not set."""
    location = _location(location_id)
    try:
        location.opening_hours = parse_opening_hours(list(specs))
    except SubmissionInvalid as invalid:
        raise click.UsageError("; ".join(invalid.errors.values())) from None
    db.session.commit()
    click.echo(f"Opening hours of {location.name} ({location.timezone}): {location.opening_hours}")


@locations.command("exit-pin")
@click.argument("location_id", type=int)
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True)
def locations_exit_pin(location_id: int, pin: str):
    """Set the PIN that leaves kiosk mode on the location's tablets."""
    location = _location(location_id)
    try:
        set_exit_pin(location, pin)
    except SubmissionInvalid as invalid:
        raise click.UsageError("; ".join(invalid.errors.values())) from None
    db.session.commit()
    click.echo(f"Exit PIN of {location.name} set.")


devices = AppGroup("devices", help="Manage kiosk tablets.")


@devices.command("pair")
@click.option("--location", "location_id", type=int, required=True)
@click.option("--name", required=True, help="What the tablet is called, e.g. 'Till 1'.")
@click.option("--base-url")
def devices_pair(location_id: int, name: str, base_url: str | None):
    """Create a device and print its one-time pairing link."""
    device, code = create_device(_location(location_id), name)
    db.session.commit()
    click.echo(f"Device {device.id}: open this link on the tablet within 24 hours:")
    click.echo(pairing_url(code, base_url))


@devices.command("revoke")
@click.argument("device_id", type=int)
def devices_revoke(device_id: int):
    """Disconnect a tablet: its cookie stops working at once."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise click.UsageError(f"No device {device_id}")
    revoke_device(device)
    db.session.commit()
    click.echo(f"Device {device.id} ({device.name}) revoked.")


@devices.command("check-silent")
@click.option(
    "--minutes",
    type=click.IntRange(min=1),
    default=int(SILENT_AFTER.total_seconds() // 60),
    show_default=True,
    help="Silence during opening hours that raises an alert.",
)
def devices_check_silent(minutes: int):
    """Alert the manager about tablets silent during opening hours (run it from cron)."""
    raised = check_silent_devices(silent_after=timedelta(minutes=minutes))
    db.session.commit()
    for alert in raised:
        click.echo(f"Alert {alert.id}: {alert.device.name} at {alert.location.name} is silent.")
    click.echo(f"{len(raised)} new device-silent alert(s).")
