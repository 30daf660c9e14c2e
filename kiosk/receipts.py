"""Receipt links on the customer's phone: open the code, answer once, be thanked."""

from flask import g

from kiosk import link_bp
from kiosk.link import (
    LinkRoutes,
    render_answered,
    render_next,
    render_start,
    take_follow_up,
    take_tap,
)
from surveys.channels.receipts import open_receipt, receipt_source
from surveys.models import FollowUp


def _routes(code: str) -> LinkRoutes:
    routes = LinkRoutes("receipt", code)
    g.link_start = routes.start()
    return routes


@link_bp.get("/r/<code>")
def receipt_open(code: str):
    """The survey, or the unfinished follow-up, or "you already told us"."""
    routes = _routes(code)
    visit = open_receipt(code)
    location = g.link_location = visit.source.location
    if visit.answered is None:
        return render_start(routes, location, visit.survey)
    if visit.answered.follow_up == FollowUp.OFFERED:
        return render_next(routes, visit.answered)  # finish what was started
    return render_answered(location)


@link_bp.post("/r/<code>")
def receipt_tap(code: str):
    """Store the first answer once per receipt, then show what comes next."""
    routes = _routes(code)
    source = receipt_source(code)
    g.link_location = source.location
    return render_next(routes, take_tap(routes, source))


@link_bp.post("/r/<code>/<uuid:response_id>")
def receipt_follow_up(code: str, response_id):
    """Join the follow-up to the receipt's response and thank the customer."""
    routes = _routes(code)
    source = receipt_source(code)
    g.link_location = source.location
    return take_follow_up(routes, source, str(response_id))
