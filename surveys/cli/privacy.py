"""Commands: `flask --app wsgi privacy purge` and `privacy erase --email … | --phone …`.

Both print counts only: never the address asked about, nor anything they removed.
"""

import click
from flask.cli import AppGroup

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.privacy.erasure import Subject, erase_person
from surveys.privacy.forgetting import Counts
from surveys.privacy.retention import purge_all_expired
from surveys.privacy.storage import compact_after_erase

privacy = AppGroup("privacy", help="Retention purge and erasure of customers' personal data.")

LABELS = {
    "customers": "contact records removed",
    "responses": "responses anonymised",
    "words": "free-text answers removed",
    "alert_notes": "case notes and timeline entries redacted",
    "mentions": "mentions in other words, consents, devices and webhooks redacted",
    "outbox_messages": "queued or sent e-mails emptied",
    "outbox_cancelled": "of them cancelled before sending",
    "audit_events": "audit details redacted",
}


def _echo_counts(counts: Counts) -> None:
    for name, count in counts.as_dict().items():
        click.echo(f"  {count}\t{LABELS[name]}")


@privacy.command("purge")
def privacy_purge():
    """Remove contact details past each location's retention period (safe to repeat)."""
    counts = purge_all_expired()
    click.echo("Retention purge done.")
    _echo_counts(counts)


@privacy.command("erase")
@click.option("--email", help="The customer's e-mail address (any case, spaces trimmed).")
@click.option("--phone", help="The customer's phone number (digits and a leading + count).")
@click.option(
    "--vacuum",
    is_flag=True,
    help="Also rewrite the whole database file (SQLite; blocks writes while it runs).",
)
def privacy_erase(email: str | None, phone: str | None, vacuum: bool):
    """Remove one customer's personal data everywhere; ratings and topics stay, anonymised."""
    try:
        subject = Subject.parse(email, phone)
    except SubmissionInvalid as invalid:
        raise click.UsageError("; ".join(invalid.errors.values())) from None
    counts = erase_person(subject)
    db.session.commit()
    click.echo("Erased." if counts.customers else "No customer with these details is stored.")
    _echo_counts(counts)
    compaction = compact_after_erase(vacuum)  # even when nobody matched: older copies go too
    if compaction.vacuumed:
        click.echo("  database vacuumed")
    if db.engine.dialect.name == "sqlite" and not compaction.wal_emptied:
        click.echo(
            "Warning: another process is reading the database, so its write-ahead log still "
            "holds old copies. Run the erase again when it is idle.",
            err=True,
        )
