"""Kiosk errors shown as a kiosk screen, translated, with a way back to the start."""

from flask import g

from kiosk import bp
from kiosk.screens import render_screen, use_language
from surveys.db import db
from surveys.errors import SubmissionError


@bp.errorhandler(SubmissionError)
def submission_error(error: SubmissionError):
    """Nothing of a refused submission is kept; the customer sees why and can start again."""
    db.session.rollback()
    if g.get("device") is not None and not g.get("language"):
        use_language(g.device.location.default_language)
    return render_screen("error", status=error.status, messages=list(error.errors.values()))
