"""Filling the rollups of a database upgraded with answers already in it.

`flask --app wsgi db upgrade` (and `demo`, which upgrades) calls fill_empty_rollups() once
the schema is at the head revision, where the models match the tables: the rollup tables
created by migration 0009 start empty, and the dashboard would show nothing until they are
filled. Rollups that hold anything are left alone, so a second upgrade does nothing.
"""

from sqlalchemy import exists, select

from surveys.db import db
from surveys.metrics.rebuild import ROLLUPS, rebuild
from surveys.models import Response


def fill_empty_rollups() -> int | None:
    """Rebuild and commit the rollups if they are empty and answers exist; rows written."""
    if any(db.session.scalar(select(exists().select_from(model))) for model in ROLLUPS):
        return None
    if not db.session.scalar(select(exists().select_from(Response))):
        return None
    written = rebuild()
    db.session.commit()
    return written
