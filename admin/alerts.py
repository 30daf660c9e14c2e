"""The alert inbox: negative answers waiting for a manager."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from surveys.access import restrict_to_visible
from surveys.db import db
from surveys.models import Alert


@bp.get("/")
def alerts_list():
    """The newest alerts of the locations the user may see first."""
    statement = select(Alert).order_by(Alert.created_at.desc()).limit(100)
    statement = restrict_to_visible(statement, current_user, Alert.location_id)
    return render_template("admin/alerts/list.html", alerts=list(db.session.scalars(statement)))
