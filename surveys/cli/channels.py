"""Command-line tasks for tills and posters: `flask --app wsgi receipts | api-keys | posters`."""

from pathlib import Path

import click
from flask import render_template
from flask.cli import AppGroup
from sqlalchemy import select

from surveys.channels.posters import poster_url
from surveys.channels.qr import qr_svg, qr_version
from surveys.channels.receipts import mint_receipt, rotate_receipt_secret
from surveys.channels.tills import create_api_key, revoke_api_key
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import ApiKey, Location
from surveys.models.tills import SCOPES


def _location(location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None:
        raise click.UsageError(f"No location {location_id}")
    return location


def _refused(invalid: SubmissionInvalid) -> click.UsageError:
    return click.UsageError("; ".join(str(message) for message in invalid.errors.values()))


receipts = AppGroup("receipts", help="Receipt codes: mint them, show a location's secret.")


@receipts.command("mint")
@click.option("--location", "location_id", type=int, required=True)
@click.option("--till", type=int, default=1, show_default=True)
@click.option("--first-number", type=int, default=1, show_default=True, help="First receipt no.")
@click.option("--count", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--staff", "staff_id", type=int, help="Staff id of who served, if known.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the printable HTML sheet.",
)
@click.option("--base-url", help="Where Counterpulse is reached (default: PUBLIC_URL).")
def receipts_mint(location_id, till, first_number, count, staff_id, output, base_url):
    """Mint COUNT receipt codes into a printable sheet of QR codes."""
    location = _location(location_id)
    try:
        minted = [
            mint_receipt(location, till, first_number + i, staff_id=staff_id, base_url=base_url)
            for i in range(count)
        ]
    except SubmissionInvalid as invalid:
        raise _refused(invalid) from None
    codes = [(m, qr_svg(m.url)) for m in minted]
    html = render_template("admin/receipts/sheet.html", location=location, till=till, codes=codes)
    output.write_text(html, encoding="utf-8")
    version = qr_version(minted[0].url)
    click.echo(f"{count} receipt codes for {location.name}, till {till}: {output}")
    click.echo(f"Each code is {len(minted[0].code)} characters; QR version {version}, level M.")


@receipts.command("secret")
@click.argument("location_id", type=int)
@click.option("--rotate", is_flag=True, help="Replace it: every code printed so far stops working.")
def receipts_secret(location_id: int, rotate: bool):
    """Print the secret a location's tills sign receipt codes with (docs/receipt-codes.md)."""
    location = _location(location_id)
    if rotate:
        rotate_receipt_secret(location)
        db.session.commit()
    click.echo(location.receipt_secret)


api_keys = AppGroup(
    "api-keys", help="API keys: tills mint receipt codes, reporting tools read (docs/api.md)."
)


@api_keys.command("create")
@click.option("--location", "location_id", type=int, required=True)
@click.option("--name", required=True, help="What the key is for, e.g. 'Till 1'.")
@click.option(
    "--scope",
    "scopes",
    type=click.Choice(SCOPES),
    multiple=True,
    help="receipts (the default): POST /api/v1/receipts; read: GET responses and metrics.",
)
def api_keys_create(location_id: int, name: str, scopes: tuple[str, ...]):
    """Create a key and print it once; only its hash is kept."""
    try:
        api_key, key = create_api_key(_location(location_id), name, scopes or ("receipts",))
    except SubmissionInvalid as invalid:
        raise _refused(invalid) from None
    db.session.commit()
    click.echo(f"API key {api_key.id} ({api_key.name}, {api_key.scopes}); shown only this once:")
    click.echo(key)


@api_keys.command("revoke")
@click.argument("key_id", type=int)
def api_keys_revoke(key_id: int):
    """Stop a key from working, at once."""
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None:
        raise click.UsageError(f"No API key {key_id}")
    revoke_api_key(api_key)
    db.session.commit()
    click.echo(f"API key {api_key.id} ({api_key.name}) revoked.")


@api_keys.command("list")
def api_keys_list():
    """Every key: id, location, name, scopes, created, revoked."""
    for api_key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        revoked = f"revoked {api_key.revoked_at:%Y-%m-%d}" if api_key.revoked_at else "active"
        created = f"{api_key.created_at:%Y-%m-%d}"
        fields = (api_key.id, api_key.location_id, api_key.name, api_key.scopes, created, revoked)
        click.echo("\t".join(map(str, fields)))


posters = AppGroup("posters", help="Poster and table-tent links.")


@posters.command("url")
@click.argument("location_id", type=int)
@click.option("--base-url", help="Where Counterpulse is reached (default: PUBLIC_URL).")
def posters_url(location_id: int, base_url: str | None):
    """Print a location's poster link and its printable page (behind the admin login)."""
    location = _location(location_id)
    link = poster_url(location, base_url)
    click.echo(f"Poster link: {link}")
    page = link.split("/p/")[0] + f"/admin/locations/{location.id}/poster"
    click.echo(f"Printable poster and table tent: {page}")
