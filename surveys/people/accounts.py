"""Admin accounts: argon2id password hashes, creation and checking."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from surveys.db import db
from surveys.models import Role, User

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def generate_password() -> str:
    """A one-time password to print for a new account."""
    return secrets.token_urlsafe(12)


def create_user(email: str, password: str, role: Role) -> User:
    """A new account with its password hashed."""
    user = User(email=email.strip().lower(), password_hash=_hasher.hash(password), role=role)
    db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password."""
    user.password_hash = _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    """Whether this is the user's password."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(email: str) -> User | None:
    """The account with this e-mail, whatever its case, active or not."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None, in constant-ish time."""
    user = find_user(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user
