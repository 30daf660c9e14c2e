"""Finding a person's address, phone and name wherever people write freely.

Two patterns per term, built from the same pieces:
- `sql_pattern`: a regular expression both SQLite (Python's `re`, which SQLAlchemy registers
  as REGEXP) and PostgreSQL (`~`) read alike. It is a loose superset: no word boundaries, any
  case, and every non-ASCII or JSON-special character also in its JSON escape (`\\u0531`),
  since JSON columns store text escaped. It only picks the rows worth reading.
- `text_pattern`: the exact match on the decoded value, replaced by the marker.
"""

import json
import re
from dataclasses import dataclass

from sqlalchemy import Text, cast, or_

# Between two digits of a phone number as people type it: spaces, dashes, dots, brackets.
PHONE_GAP = r"[\s().\-/]{0,3}"
SQL_PHONE_GAP = "[^0-9]{0,20}"  # three gaps, each at most a six-character JSON escape
# An "@" as it may be written in a link or payload.
AT_SIGNS = ("@", "%40")
MIN_NAME_LENGTH = 3  # a name part shorter than this is not searched for on its own


@dataclass(frozen=True)
class Term:
    """One thing to find: its loose SQL pattern and its exact pattern on text."""

    sql_pattern: str
    text_pattern: re.Pattern
    is_address: bool = False  # an e-mail address or phone number, not a name


def _sql_char(char: str) -> str:
    """One character for the SQL pattern: itself in any case, raw or JSON-escaped."""
    if char.isascii() and char.isalnum():
        return char
    forms = {char, char.lower(), char.upper()}
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}
    # Escape ASCII punctuation only: PostgreSQL reads a backslash before a letter as an escape.
    escaped = sorted(
        "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in f) for f in forms
    )
    return escaped[0] if len(escaped) == 1 else "(?:" + "|".join(escaped) + ")"


def _sql_literal(text: str) -> str:
    return "".join(_sql_char(char) for char in text)


def email_term(email: str) -> Term:
    """An address in any case, with its "@" also written %40."""
    local, _, domain = email.strip().lower().rpartition("@")
    at_sql = "(?:" + "|".join(_sql_literal(sign) for sign in AT_SIGNS) + ")"
    at_text = "(?:" + "|".join(re.escape(sign) for sign in AT_SIGNS) + ")"
    return Term(
        "(?i)" + _sql_literal(local) + at_sql + _sql_literal(domain),
        re.compile(re.escape(local) + at_text + re.escape(domain), re.IGNORECASE),
        is_address=True,
    )


def phone_term(phone: str) -> Term | None:
    """A number by its digits, however spaced or dashed, with or without its '+'."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return None
    pattern = re.compile(r"\+?" + PHONE_GAP.join(digits))
    return Term(SQL_PHONE_GAP.join(digits), pattern, is_address=True)


def name_terms(name: str) -> list[Term]:
    """The whole name, and each of its parts long enough to mean this person, in any case."""
    name = " ".join(name.split())
    parts = {name} | {part for part in name.split(" ") if len(part) >= MIN_NAME_LENGTH}
    return [
        Term(
            "(?i)" + _sql_literal(part),
            re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE),
        )
        for part in sorted(parts, key=len, reverse=True)  # the whole name before its parts
        if len(part) >= 2
    ]


def person_terms(emails, phones, names) -> list[Term]:
    """Every term for a person known by these addresses, numbers and names (None skipped)."""

    def present(values) -> list[str]:
        return sorted({value.strip() for value in values if value and value.strip()})

    terms = [email_term(email) for email in present(emails)]
    terms += [term for phone in present(phones) if (term := phone_term(phone))]
    for name in present(names):
        terms += name_terms(name)
    return terms


def sql_mentions(column, terms: list[Term]):
    """A condition true for every row whose column (text or JSON) may name the person."""
    text = cast(column, Text)
    return or_(*(text.regexp_match(term.sql_pattern) for term in terms))


def text_patterns(terms: list[Term]) -> list[re.Pattern]:
    """The exact patterns, for `forgetting.redact`."""
    return [term.text_pattern for term in terms]
