"""Commands: `flask --app wsgi users create-owner|purge-sessions`."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from surveys.db import db
from surveys.models import Role, User
from surveys.people.accounts import create_user, generate_password
from surveys.people.sessions import purge_lapsed_sessions

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
