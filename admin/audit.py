"""The audit trail, for owners: who did what, when, from where."""

from flask import request

from admin import bp
from admin.guards import owner_required
from admin.rendering import render_page
from surveys.db import db
from surveys.people.audit import audit_events
from surveys.people.audit_reading import read_events

PAGE_SIZE = 100


@bp.get("/audit/")
@owner_required
def audit_list():
    """The newest events first, a page at a time."""
    before = request.args.get("before", type=int)
    events = list(db.session.scalars(audit_events(before, PAGE_SIZE + 1)))
    older = events[PAGE_SIZE - 1].id if len(events) > PAGE_SIZE else None
    return render_page("admin/audit/list.html", lines=read_events(events[:PAGE_SIZE]), older=older)
