"""`flask --app wsgi demo`: upgrade the database, set up the demo and print where to go.

surveys.demo is imported when the command runs, so a serving app never loads it."""

import json
import sys

import click
from flask.cli import with_appcontext

from surveys.channels.posters import POSTER_PATH
from surveys.channels.receipts import RECEIPT_PATH
from surveys.cli.urls import pairing_url, public_url
from surveys.db import db


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
    "--days", type=click.IntRange(min=1, max=730), help="Days the history spans [default: 90]."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same history.")
@with_appcontext
def demo_command(as_json: bool, base_url: str | None, responses: int, days: int | None, seed: int):
    """Upgrade the database and set up the demo location, survey, kiosk and owner."""
    from flask_migrate import upgrade  # here, so a serving app never loads Alembic

    from surveys.demo.shops import set_up_demo

    upgrade()
    setup = set_up_demo()
    db.session.commit()
    if responses:
        _demo_history(responses, days, seed)
    result = {
        "kiosk_url": pairing_url(setup.pairing_code, base_url),
        "admin_url": public_url("/admin/", base_url),
        "admin_email": setup.owner_email,
        "admin_password": setup.owner_password,
        "manager_email": setup.manager_email,
        "manager_password": setup.manager_password,
        "receipt_url": public_url(RECEIPT_PATH + setup.receipt_code, base_url),
        "poster_url": public_url(POSTER_PATH + setup.poster_code, base_url),
        "poster_page_url": public_url(f"/admin/locations/{setup.location_id}/poster", base_url),
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


def _demo_history(responses: int, days: int | None, seed: int) -> None:
    """Add history to the demo shops, with a progress bar on stderr."""
    from surveys.demo.history import DEFAULT_DAYS, generate_history
    from surveys.demo.shops import demo_locations

    days = days or DEFAULT_DAYS
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
