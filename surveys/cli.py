"""Command-line tasks: `flask --app wsgi demo | locations | devices | users`."""

import json
import sys
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from surveys.accounts import create_user, generate_password
from surveys.db import db
from surveys.demo import demo_locations, set_up_demo
from surveys.demo_history import DEFAULT_DAYS, generate_history
from surveys.device_silence import SILENT_AFTER, check_silent_devices
from surveys.devices import create_device, revoke_device
from surveys.errors import SubmissionInvalid
from surveys.kiosk_exit import set_exit_pin
from surveys.locations import create_location
from surveys.models import Device, Location, Role, User
from surveys.opening_hours import parse_opening_hours
from surveys.posters import POSTER_PATH
from surveys.receipts import RECEIPT_PATH
from surveys.sessions import purge_lapsed_sessions


def _url(path: str, base_url: str | None) -> str:
    return (base_url or current_app.config["PUBLIC_URL"]).rstrip("/") + path


def _pairing_url(code: str, base_url: str | None) -> str:
    return _url(f"/kiosk/pair/{code}", base_url)


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--base-url", help="Where Counterpulse is reached (default: PUBLIC_URL).")
@click.option(
    "--responses",
    type=click.IntRange(min=0),
    default=0,
    help="Also add this many answers of history, with their cases, to the demo shops.",
)
@click.option(
    "--days", type=click.IntRange(min=1, max=730), default=DEFAULT_DAYS, show_default=True
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same history.")
@with_appcontext
def demo_command(as_json: bool, base_url: str | None, responses: int, days: int, seed: int):
    """Upgrade the database and set up the demo location, survey, kiosk and owner."""
    upgrade()
    setup = set_up_demo()
    db.session.commit()
    if responses:
        _demo_history(responses, days, seed)
    result = {
        "kiosk_url": _pairing_url(setup.pairing_code, base_url),
        "admin_url": _url("/admin/", base_url),
        "admin_email": setup.owner_email,
        "admin_password": setup.owner_password,
        "manager_email": setup.manager_email,
        "manager_password": setup.manager_password,
        "receipt_url": _url(RECEIPT_PATH + setup.receipt_code, base_url),
        "poster_url": _url(POSTER_PATH + setup.poster_code, base_url),
        "poster_page_url": _url(f"/admin/locations/{setup.location_id}/poster", base_url),
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo("Counterpulse demo is ready.")
    click.echo(f"  Kiosk (open on the tablet; pairs it): {result['kiosk_url']}")
    click.echo(f"  Admin: {result['admin_url']}")
    click.echo(f"  Owner: {result['admin_email']}  one-time password: {result['admin_password']}")
    click.echo(
        f"  Manager of the second shop: {result['manager_email']}"
        f"  one-time password: {result['manager_password']}"
    )
    click.echo(f"  Receipt (a fresh one, open on a phone): {result['receipt_url']}")
    click.echo(f"  Poster link: {result['poster_url']}")
    click.echo(f"  Printable poster (admin): {result['poster_page_url']}")


def _demo_history(responses: int, days: int, seed: int) -> None:
    """Add history to the demo shops, with a progress bar on stderr."""
    with click.progressbar(
        length=responses, label="Demo history", file=sys.stderr, show_pos=True
    ) as bar:
        history = generate_history(
            db.session, demo_locations(), responses, seed, progress=bar.update, days=days
        )
    db.session.commit()
    click.echo(
        f"History: {history.responses} answers and {history.alerts} cases over {days} days.",
        err=True,
    )


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
    click.echo(_pairing_url(code, base_url))


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


users = AppGroup("users", help="Manage admin accounts.")


@users.command("create-owner")
@click.argument("email")
def users_create_owner(email: str):
    """Create an owner account and print a one-time password."""
    if db.session.scalar(select(User).where(User.email == email.strip().lower())):
        raise click.UsageError(f"{email} already has an account")
    password = generate_password()
    create_user(email, password, Role.OWNER)
    db.session.commit()
    click.echo(f"Owner {email} created. One-time password: {password}")


@users.command("purge-sessions")
def users_purge_sessions():
    """Delete ended and expired sign-in sessions (every sign-in also does)."""
    count = purge_lapsed_sessions()
    db.session.commit()
    click.echo(f"{count} ended or expired session(s) deleted.")


def register_commands(app: Flask) -> None:
    """Attach the commands to `flask --app wsgi`."""
    from surveys.digests_cli import digests
    from surveys.metrics.cli import metrics
    from surveys.notify.cli import outbox, webhooks
    from surveys.privacy_cli import privacy
    from surveys.receipts_cli import api_keys, posters, receipts

    commands = (demo_command, locations, devices, users, outbox, webhooks)
    for command in (*commands, receipts, api_keys, posters, digests, metrics, privacy):
        app.cli.add_command(command)
