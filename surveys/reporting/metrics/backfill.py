"""Filling the rollups of a database upgraded with answers already in it.

`flask --app wsgi db upgrade` (and `demo`, which upgrades) fills them once the schema is at
the head revision, where the models match the tables (migrations/env.py): the rollup
tables created by migration 0009 start empty, and the dashboard would show nothing until
they are filled. Rollups that hold anything are left alone, so a second upgrade does
nothing.
"""

from sqlalchemy import exists, select

from surveys.db import db
from surveys.models import Response
from surveys.reporting.metrics.rebuild import ROLLUPS, rebuild


def rollups_need_filling() -> bool:
    """Whether every rollup is empty while answers are stored."""
    if any(db.session.scalar(select(exists().select_from(model))) for model in ROLLUPS):
        return False
    return bool(db.session.scalar(select(exists().select_from(Response))))


def fill_rollups() -> int:
    """Rebuild every location's rollups and commit; returns the rows written."""
    written = rebuild()
    db.session.commit()
    return written
