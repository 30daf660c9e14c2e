"""Admin sign-in sessions: opened at login, ended by logout, all ended together on demand.

A signed-in browser holds a random session key in its signed cookie; the server keeps the
key's digest. Logout ends that one row, so a copy of the cookie stops working too. Bumping
User.session_version ends every session of the account at once. A session also lapses
SESSION_IDLE_MINUTES after its last request and SESSION_LIFETIME_HOURS after sign-in.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from surveys.db import db, sqlite_write_intent
from surveys.errors import SubmissionInvalid
from surveys.models import User, UserSession, utcnow
from surveys.people.accounts import authenticate, find_user, password_matches, set_password
from surveys.people.audit import Actor
from surveys.people.passwords import password_problem

# A session's last use is written at most this often, not on each of the inbox's polls.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lasts without a request, and at most."""

    idle: timedelta
    lifetime: timedelta


def session_limits() -> SessionLimits:
    """The limits the configuration sets."""
    config = current_app.config
    return SessionLimits(
        idle=timedelta(minutes=float(config["SESSION_IDLE_MINUTES"])),
        lifetime=timedelta(hours=float(config["SESSION_LIFETIME_HOURS"])),
    )


def _lapsed(now: datetime):
    """The condition of a session row that no longer lets anyone in."""
    limits = session_limits()
    return or_(
        UserSession.ended_at.is_not(None),
        UserSession.created_at <= now - limits.lifetime,
        UserSession.last_seen_at <= now - limits.idle,
    )


def _digest(key: str) -> str:
    """SHA-256 of a random session key."""
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session for the user; returns the key the browser keeps."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(key)))
    return key


def user_for_session(user_id: int, version: int, key: str | None) -> User | None:
    """The active user whose open, unexpired session this is (noting its use), else None."""
    if not key:
        return None
    now = utcnow()
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            User.session_version == version,
            UserSession.key_hash == _digest(key),
            ~_lapsed(now),
        )
    ).first()
    if found is None:
        return None
    user, open_session_row = found
    if now - open_session_row.last_seen_at >= TOUCH_EVERY:
        _touch(open_session_row.id, now)
    return user


def _touch(session_id: int, now: datetime) -> None:
    """Record a session's use, without turning a reading request into a writing one."""
    statement = update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
    if sqlite_write_intent.get():
        db.session.execute(statement)  # committed with the request's own changes
        return
    # A reading request's transaction takes no write lock (see surveys/db.py): write apart.
    with db.engine.begin() as connection:
        connection.execute(statement)


def purge_lapsed_sessions() -> int:
    """Delete the rows of ended and expired sessions; how many there were."""
    return db.session.execute(delete(UserSession).where(_lapsed(utcnow()))).rowcount


def sign_in(email: str, password: str, client_address: str | None) -> tuple[User, str] | None:
    """Check the password and open a session, auditing success and failure alike."""
    user = authenticate(email, password)
    if user is None:
        # Only the id of an existing account is kept; an unknown e-mail leaves no trace.
        known = find_user(email)
        details = {"user_id": known.id} if known else {}
        Actor(None, client_address).record("login.failed", **details)
        return None
    Actor(user, client_address).record("login")
    purge_lapsed_sessions()  # every sign-in sweeps, so the table holds live sessions only
    return user, open_session(user)


def sign_out(user: User, key: str | None, client_address: str | None) -> None:
    """End this browser's session."""
    if key:
        db.session.execute(
            update(UserSession)
            .where(UserSession.key_hash == _digest(key), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    Actor(user, client_address).record("logout")


def end_every_session(user: User) -> None:
    """End every session of the account, this browser's included."""
    user.session_version += 1
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def sign_out_everywhere(user: User, client_address: str | None) -> None:
    """End every session of the account, on every device, and audit it."""
    end_every_session(user)
    Actor(user, client_address).record("sessions.ended")


def change_password(user: User, current: str, new: str, confirmation: str, actor: Actor) -> str:
    """Set a new password, end every session, and return a fresh session for this browser."""
    errors = {}
    if not password_matches(user, current):
        errors["current_password"] = _("That is not your current password.")
    if problem := password_problem(new, user.email):
        errors["new_password"] = problem
    elif new == current:
        errors["new_password"] = _("The new password must differ from the current one.")
    elif new != confirmation:
        errors["confirmation"] = _("The two new passwords differ.")
    if errors:
        raise SubmissionInvalid(errors)
    set_password(user, new)
    user.must_change_password = False
    end_every_session(user)
    actor.record("password.changed")
    return open_session(user)
