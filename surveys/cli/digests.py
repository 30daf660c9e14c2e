"""`flask --app wsgi digests send [--now]`: queue the digest e-mails that are due (cron)."""

import click
from flask.cli import AppGroup

from surveys.notify.digests import send_due_digests

digests = AppGroup("digests", help="Daily and weekly digest e-mails.")


@digests.command("send")
@click.option(
    "--now",
    "ignore_hour",
    is_flag=True,
    help="Do not wait for 07:00 local time: queue the last complete period's digests now.",
)
def digests_send(ignore_hour: bool):
    """Queue each opted-in user's digest for the last complete period, once."""
    queued = send_due_digests(ignore_hour=ignore_hour)
    click.echo(f"{queued} digest(s) queued; the outbox worker delivers them.")
