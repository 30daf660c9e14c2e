"""The alert inbox: the list, its live feed, and the presence the open inbox reports.

Live updates are htmx polling, not Server-Sent Events: a poll is three index look-ups
answered 204 when nothing changed, it works the same behind any number of gunicorn sync
workers and hosts (the database carries the signal, no process memory, no pub/sub), and it
holds no worker open per watching manager as a stream would. The cost is the wait for the
next poll; bench/inbox.py measures it. Redis is not needed for this: the cursor is a few
indexed look-ups, and the database is already shared by every host.

Browsers slow the timers of a tab hidden for minutes (Chrome: to once a minute), so the
inbox is meant to stay visible on its phone or screen; the presence it reports lapses too,
and the kiosk then stops promising that a manager will come.
"""

from flask import abort, render_template, request
from flask_login import current_user

from admin import bp
from admin.guards import refuse
from admin.presentation import signed_in_user
from admin.rendering import render_page
from surveys.cases.inbox import (
    FeedCursor,
    InboxFilter,
    feed_cursor,
    follow_ups_due,
    fresh_alerts,
    inbox_alerts,
    new_alert_count,
    parse_filter,
)
from surveys.cases.presence import HEARTBEAT_SECONDS, record_presence, watched_location_ids
from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import AlertStatus
from surveys.people.access import visible_locations

# Under a second from tap to screen even for a tap just after a poll: this wait plus the
# tap's and the poll's own round trips (tens of milliseconds each, see docs/performance.md).
FEED_POLL_MS = 750


def _inbox_filter() -> InboxFilter:
    """The filter in the URL; another location's is a 404, nonsense a 400."""
    try:
        return parse_filter(current_user, request.args)
    except NotVisible:
        refuse(404)
    except SubmissionInvalid:
        abort(400)


def _inbox_context(inbox: InboxFilter, cursor: FeedCursor) -> dict:
    """What the inbox templates show under a filter, with the cursor the page starts from."""
    user = signed_in_user()
    return {
        "inbox": inbox,
        "cursor": cursor,
        "alerts": inbox_alerts(user, inbox),
        "due": follow_ups_due(user, inbox),
        "new_count": new_alert_count(user, inbox),
        "locations": visible_locations(user),
        "statuses": list(AlertStatus),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "feed_poll_ms": FEED_POLL_MS,
    }


@bp.get("/")
def alerts_list():
    """The inbox, newest first; the filter form swaps only the list."""
    inbox = _inbox_filter()
    context = _inbox_context(inbox, feed_cursor(signed_in_user(), inbox))
    return render_page(
        "admin/alerts/list.html", "admin/alerts/_inbox.html", with_title=True, **context
    )


@bp.get("/alerts/feed")
def alerts_feed():
    """204 while nothing changed since the page's cursor; else the list again, and news."""
    inbox = _inbox_filter()
    token = request.args.get("cursor")
    seen = FeedCursor() if token is None else FeedCursor.parse(token)  # none: nothing seen
    if seen is None:
        abort(400)
    now = feed_cursor(signed_in_user(), inbox)
    if now == seen:
        return "", 204
    news = now.alert_id > seen.alert_id
    fresh = fresh_alerts(signed_in_user(), inbox, seen.alert_id) if news else []
    return render_template(
        "admin/alerts/_feed_update.html", fresh=fresh, **_inbox_context(inbox, now)
    )


@bp.post("/alerts/presence")
def inbox_presence():
    """The open inbox reports in, so kiosks may promise that a manager will come."""
    inbox = _inbox_filter()
    user = signed_in_user()
    record_presence(user, watched_location_ids(user, inbox.location_id))
    db.session.commit()
    return "", 204
