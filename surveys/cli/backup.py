"""Command: `flask --app wsgi backup PATH`, an online copy of the SQLite database."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
@with_appcontext
def backup_command(target: Path, force: bool):
    """Copy the live SQLite database to TARGET (the app may keep running)."""
    # Here, not at the top: every worker registers the commands, and this imports sqlite3.
    from surveys.operations.backup import NotSqlite, backup_sqlite

    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; pass --force to replace it.")
    try:
        written = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except NotSqlite as error:
        raise click.UsageError(
            f"The database is {error}, not SQLite: back it up with pg_dump (docs/deploy.md)."
        ) from error
    click.echo(f"Backed up to {written} ({written.stat().st_size} bytes).")
    secret = Path(current_app.instance_path) / "secret_key"
    if secret.exists() and secret.read_text().strip() == current_app.config["SECRET_KEY"]:
        click.echo(f"Keep a copy of {secret} with it: the key that signs sessions and forms.")
