"""Poster and table-tent links: a generic link, so ballot stuffing is held back twice over.

A browser that answered a survey through a poster keeps a cookie and is told "you already
told us" for the location's poster_repeat_hours; and each client address may start only
POSTER_RATE_LIMIT answers, counted by the shared limiter (in Redis when REDIS_URL is set,
so the limit holds across workers and hosts).
"""

from datetime import timedelta

from flask import current_app, g, request

from kiosk import link_bp
from kiosk.forms import first, strict_form
from kiosk.link import (
    LinkRoutes,
    render_answered,
    render_next,
    render_start,
    take_follow_up,
    take_tap,
)
from surveys.capture.responses import response_from
from surveys.channels.posters import POSTER_PATH, open_poster
from surveys.errors import AlreadyAnswered, NotFound
from surveys.models import FollowUp
from surveys.ratelimit import limiter

ANSWERED_COOKIE_PREFIX = "counterpulse_said_"


def _routes(code: str) -> LinkRoutes:
    routes = LinkRoutes("poster", code)
    g.link_start = routes.start()
    return routes


def _answered_cookie(survey_id: int) -> str:
    return f"{ANSWERED_COOKIE_PREFIX}{survey_id}"


def _poster_rate_limit() -> str:
    return current_app.config["POSTER_RATE_LIMIT"]


@link_bp.get("/p/<code>")
def poster_open(code: str):
    """The survey, or this browser's unfinished follow-up, or "you already told us"."""
    routes = _routes(code)
    visit = open_poster(code)
    location = g.link_location = visit.source.location
    earlier = request.cookies.get(_answered_cookie(visit.survey.id))
    if not earlier:
        return render_start(routes, location, visit.survey)
    try:
        response = response_from(visit.source, earlier)
    except NotFound:
        return render_answered(location)
    if response.follow_up == FollowUp.OFFERED:
        return render_next(routes, response)  # finish what was started
    return render_answered(location)


@link_bp.post("/p/<code>")
@limiter.limit(_poster_rate_limit, methods=["POST"])
def poster_tap(code: str):
    """Store a first answer unless this browser answered lately; remember that it has."""
    routes = _routes(code)
    visit = open_poster(code)
    location = g.link_location = visit.source.location
    cookie = _answered_cookie(visit.survey.id)
    earlier = request.cookies.get(cookie)
    if earlier and earlier != first(strict_form(), "response_id"):
        raise AlreadyAnswered()
    response = take_tap(routes, visit.source)
    page = render_next(routes, response)
    page.set_cookie(
        cookie,
        response.uuid,
        max_age=timedelta(hours=location.poster_repeat_hours),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["DEVICE_COOKIE_SECURE"] or request.is_secure,
        path=POSTER_PATH,
    )
    return page


@link_bp.post("/p/<code>/<uuid:response_id>")
def poster_follow_up(code: str, response_id):
    """Join the follow-up to this browser's response and thank the customer."""
    routes = _routes(code)
    visit = open_poster(code)
    g.link_location = visit.source.location
    return take_follow_up(routes, visit.source, str(response_id))
