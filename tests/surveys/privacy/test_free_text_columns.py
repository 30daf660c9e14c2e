"""Every text or JSON column is known to the erase: searched for the person, or said why not.

A new free-text column (a notes table, say) fails here until surveys/privacy/free_text.py
lists it, so an erase cannot silently miss it."""

from sqlalchemy import JSON, String, Text

from surveys.db import db
from surveys.privacy.free_text import FREE_TEXT, NOT_FREE_TEXT, OUTBOX_TEXT

SHORT = 64  # shorter strings are codes, hashes, enum values and the like


def long_text_columns() -> set[str]:
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, Text | JSON) or (
                isinstance(kind, String) and (kind.length or SHORT + 1) > SHORT
            ):
                found.add(f"{table.name}.{column.name}")
    return found


def test_every_text_column_is_searched_by_the_erase_or_says_why_not():
    searched = {
        f"{model.__table__.name}.{getattr(model, attribute).property.columns[0].name}"
        for model, attribute in FREE_TEXT + OUTBOX_TEXT
    }
    unknown = long_text_columns() - searched - set(NOT_FREE_TEXT)
    assert unknown == set(), "add these to FREE_TEXT or NOT_FREE_TEXT"
    assert searched & set(NOT_FREE_TEXT) == set()
