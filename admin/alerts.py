"""The alert inbox: the list, its live feed, and the presence the open inbox reports.

The feed is the database cursor (three index look-ups, answered 204 when nothing changed),
asked by static/js/inbox-feed.js. With REDIS_URL the page asks it only when told: the
stream (`alerts_stream`, Server-Sent Events) relays what surveys/cases/live.py publishes
after each commit that raised or changed an alert of the inbox's locations, and asks the
database nothing while it is open. Without Redis, or while the stream is broken, the page
polls every FEED_POLL_MS, which works the same behind any number of workers and hosts.
Each open stream holds a gunicorn thread (docs/deploy.md says how many to give), so it ends
after INBOX_STREAM_SECONDS and the browser reconnects.

A hidden tab closes its stream and polls every HIDDEN_POLL_MS (browsers slow its timers
anyway, so the chime still comes, later); shown again it asks at once. The presence it
reports lapses with its timers, and the kiosk then stops promising that a manager will come.

The same page is the case history: older pages, the overdue view and the search. Only the
first page polls. Search words are posted (with CSRF) and kept in the session under a random
token, so the customer's words never reach a URL or a request log.
"""

import secrets

from flask import Response, abort, current_app, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from admin import bp
from admin.guards import refuse
from admin.presentation import signed_in_user
from admin.rendering import render_page, see_other
from surveys.cases.inbox import (
    FeedCursor,
    InboxFilter,
    feed_cursor,
    follow_ups_due,
    fresh_alerts,
    inbox_page,
    new_alert_count,
    parse_filter,
    status_counts,
)
from surveys.cases.inbox_filter import clean_words, staff_choices, topic_choices
from surveys.cases.live import StreamUnavailable, stream_events, subscribe
from surveys.cases.presence import HEARTBEAT_SECONDS, record_presence, watched_location_ids
from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import AlertStatus
from surveys.people.access import visible_locations

# Under a second from tap to screen even for a tap just after a poll: this wait plus the
# tap's and the poll's own round trips (tens of milliseconds each, see docs/performance.md).
FEED_POLL_MS = 750
# A hidden tab polls this slowly (browsers slow its timers anyway), and at once when shown.
HIDDEN_POLL_MS = 15000
# How soon a browser reconnects a stream that ended or broke.
STREAM_RETRY_MS = 1000


# The session keeps the last few searches (a cookie must stay small), each under its token.
SEARCHES_KEY, SEARCHES_KEPT = "inbox_searches", 5


class FilterRefused(Exception):
    """A filter the page cannot show: the view answers 400 with the message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _inbox_filter(args=None) -> InboxFilter:
    """The filter in the URL; another location's is a 404, nonsense a FilterRefused."""
    try:
        return parse_filter(current_user, request.args if args is None else args, _searches())
    except NotVisible:
        refuse(404)
    except SubmissionInvalid as error:
        raise FilterRefused(error.errors) from error


def _searches() -> dict[str, str]:
    return dict(session.get(SEARCHES_KEY) or {})


def _keep_search(words: str) -> str:
    """Keep the words in the session; the token that names them in the URL."""
    token = secrets.token_urlsafe(9)
    kept = list(_searches().items())[-(SEARCHES_KEPT - 1) :] + [(token, words)]
    session[SEARCHES_KEY] = dict(kept)
    return token


def _inbox_context(inbox: InboxFilter, cursor: FeedCursor | None, errors=None) -> dict:
    """What the inbox templates show under a filter, with the cursor the page starts from
    (None: an older page, which does not poll)."""
    user = signed_in_user()
    page = inbox_page(user, inbox) if not errors else None
    first = inbox.before is None
    return {
        "inbox": inbox,
        "cursor": cursor,
        "alerts": page.alerts if page else [],
        "older": page.older if page else None,
        "due": follow_ups_due(user, inbox) if first and not errors else [],
        "new_count": new_alert_count(user, inbox),
        "counts": status_counts(user, inbox) if not errors else None,
        "filter_errors": errors or {},
        "locations": visible_locations(user),
        "statuses": list(AlertStatus),
        "topics": topic_choices(str(get_locale())),
        "staff_members": staff_choices(user),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "feed_poll_ms": FEED_POLL_MS,
        "hidden_poll_ms": HIDDEN_POLL_MS,
        "feed_stream": bool(current_app.config.get("REDIS_URL")),
    }


def _refused_page(error: FilterRefused):
    """The inbox with the filter's message and no list: a 400 a manager can read."""
    inbox = InboxFilter()
    context = _inbox_context(inbox, None, errors=error.errors)
    return render_page(
        "admin/alerts/list.html", "admin/alerts/_inbox.html", 400, with_title=True, **context
    )


@bp.get("/")
def alerts_list():
    """The inbox, newest first, a page at a time; the filter form swaps only the list."""
    try:
        inbox = _inbox_filter()
    except FilterRefused as error:
        return _refused_page(error)
    cursor = feed_cursor(signed_in_user(), inbox) if inbox.before is None else None
    context = _inbox_context(inbox, cursor)
    return render_page(
        "admin/alerts/list.html", "admin/alerts/_inbox.html", with_title=True, **context
    )


@bp.post("/alerts/search")
def alerts_search():
    """Search the customers' words: keep them in the session, show the list by token."""
    try:
        words = clean_words(request.form.get("words"))
        inbox = _inbox_filter({k: v for k, v in request.form.items() if k not in ("q", "before")})
    except (FilterRefused, SubmissionInvalid) as error:
        return _refused_page(
            error if isinstance(error, FilterRefused) else FilterRefused(error.errors)
        )
    args = inbox.query_args()
    if words:
        args["q"] = _keep_search(words)
    return see_other(url_for("admin.alerts_list", **args))


@bp.get("/alerts/feed")
def alerts_feed():
    """204 while nothing changed since the page's cursor; else the list again, and news."""
    try:
        inbox = _inbox_filter()
    except FilterRefused:
        abort(400)
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


@bp.get("/alerts/stream")
def alerts_stream():
    """Server-Sent Events: `changed` when the feed of the inbox's locations may have changed.

    204 without Redis, which EventSource takes as "do not reconnect": the page polls. The
    stream asks the database nothing after its start, and its start releases the session's
    connection, so a thousand open inboxes hold no database connection.
    """
    try:
        inbox = _inbox_filter()
    except FilterRefused:
        abort(400)
    config = current_app.config
    if not config.get("REDIS_URL"):
        return "", 204
    location_ids = watched_location_ids(signed_in_user(), inbox.location_id)
    db.session.close()
    if not location_ids:
        return "", 204  # nothing to watch
    try:
        pubsub = subscribe(config["REDIS_URL"], config["INBOX_CHANNEL_PREFIX"], location_ids)
    except StreamUnavailable:
        return "", 503  # EventSource gives up on it, and the page polls
    events = stream_events(
        pubsub,
        seconds=config["INBOX_STREAM_SECONDS"],
        heartbeat=config["INBOX_STREAM_HEARTBEAT_SECONDS"],
        retry_ms=STREAM_RETRY_MS,
    )
    # No buffering by nginx (X-Accel-Buffering) or anyone else: each event goes out at once.
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return Response(events, mimetype="text/event-stream", headers=headers)


@bp.post("/alerts/presence")
def inbox_presence():
    """The open inbox reports in, so kiosks may promise that a manager will come."""
    try:
        inbox = _inbox_filter()
    except FilterRefused:
        abort(400)
    user = signed_in_user()
    record_presence(user, watched_location_ids(user, inbox.location_id))
    db.session.commit()
    return "", 204
