"""The password policy for admin accounts: long enough, and not a common password."""

from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased, read once."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    start = lines.index("") + 1  # the header ends at the first empty line
    return frozenset(line.strip().lower() for line in lines[start:] if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why this new password is refused, translated; None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The new password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The new password is too long.")
    folded = password.strip().lower()
    if folded in common_passwords():
        return _("This is one of the most common passwords, the first ones attackers try.")
    if email and folded in {email.lower(), email.lower().partition("@")[0]}:
        return _("The new password must not be your e-mail address.")
    return None
