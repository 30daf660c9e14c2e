"""Managing admin accounts: an owner creates, edits, deactivates and resets them."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, select

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, Role, User
from surveys.numbers import whole_number
from surveys.people.accounts import create_user, find_user, generate_password, set_password
from surveys.people.audit import Actor
from surveys.people.sessions import end_every_session

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_LENGTH = 254


@dataclass
class AccountFields:
    """An account form as submitted: text as typed, location ids as strings."""

    email: str = ""
    role: str = Role.MANAGER.value
    location_ids: list[str] = field(default_factory=list)


def accounts() -> Select:
    """Every account, active ones first, by e-mail."""
    return select(User).order_by(User.active.desc(), User.email)


def _clean(fields: AccountFields, user: User | None) -> tuple[str, Role, list[Location]]:
    """The e-mail, role and locations of a valid form, else SubmissionInvalid."""
    errors = {}
    email = fields.email.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.fullmatch(email):
        errors["email"] = _("Enter an e-mail address, like name@example.com.")
    elif (other := find_user(email)) is not None and other is not user:
        errors["email"] = _("Another account already uses this e-mail address.")
    role = Role(fields.role) if fields.role in set(Role) else None
    if role is None:
        errors["role"] = _("Choose a role.")
    ids = {n for value in fields.location_ids if (n := whole_number(value)) is not None}
    locations = list(db.session.scalars(select(Location).where(Location.id.in_(ids))))
    if len(locations) != len(ids) or len(ids) != len(fields.location_ids):
        errors["locations"] = _("Choose locations from the list.")
    elif role in (Role.MANAGER, Role.STAFF) and not locations:
        errors["locations"] = _("A manager or staff account needs at least one location.")
    if errors:
        raise SubmissionInvalid(errors)
    return email, role, [] if role == Role.OWNER else locations


def create_account(fields: AccountFields, actor: Actor) -> tuple[User, str]:
    """A new account and its one-time password, which must be changed at first sign-in."""
    email, role, locations = _clean(fields, None)
    password = generate_password()
    user = create_user(email, password, role)
    user.locations = locations
    user.must_change_password = True
    db.session.flush()
    actor.record("user.created", user_id=user.id, role=role.value)
    return user, password


def update_account(user: User, fields: AccountFields, actor: Actor) -> None:
    """Change an account's e-mail, role and locations; nobody changes their own role."""
    email, role, locations = _clean(fields, user)
    if user is actor.user and role != user.role:
        raise SubmissionInvalid({"role": _("You cannot change your own role.")})
    before = {"role": user.role.value, "location_ids": sorted(loc.id for loc in user.locations)}
    user.email, user.role, user.locations = email, role, locations
    after = {"role": role.value, "location_ids": sorted(location.id for location in locations)}
    actor.record("user.updated", user_id=user.id, before=before, after=after)


def deactivate_account(user: User, actor: Actor) -> None:
    """Stop an account from signing in; its open sessions end at once."""
    if user is actor.user:
        raise SubmissionInvalid({"account": _("You cannot deactivate your own account.")})
    user.active = False
    end_every_session(user)
    actor.record("user.deactivated", user_id=user.id)


def reactivate_account(user: User, actor: Actor) -> None:
    """Let a deactivated account sign in again."""
    user.active = True
    actor.record("user.reactivated", user_id=user.id)


def reset_password(user: User, actor: Actor) -> str:
    """A new one-time password for someone who forgot theirs; their sessions end."""
    if user is actor.user:
        raise SubmissionInvalid({"account": _("Change your own password on your account page.")})
    password = generate_password()
    set_password(user, password)
    user.must_change_password = True
    end_every_session(user)
    actor.record("user.password_reset", user_id=user.id)
    return password
