"""The alert inbox: negative answers waiting for a manager."""

from flask import render_template
from sqlalchemy import select

from admin import bp
from surveys.db import db
from surveys.models import Alert


@bp.get("/")
def alerts_list():
    """The newest alerts first."""
    alerts = db.session.scalars(select(Alert).order_by(Alert.created_at.desc()).limit(100))
    return render_template("admin/alerts/list.html", alerts=list(alerts))
