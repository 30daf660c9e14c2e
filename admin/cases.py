"""A case: the customer's response, their earlier visits, the timeline, and the actions."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from admin import bp
from admin.guards import refuse
from admin.presentation import signed_in_user
from admin.rendering import render_page, wants_partial
from surveys.cases.actions import (
    act_on_case,
    alert_for,
    colleagues_for,
    offered_actions,
)
from surveys.cases.customers import earlier_visits
from surveys.cases.presence import HEARTBEAT_SECONDS
from surveys.cases.remedies import case_remedies, remedy_totals
from surveys.db import db
from surveys.errors import NotAllowed, NotVisible, SubmissionError
from surveys.models import Alert, Outcome, Remedy
from surveys.notify.apology import draft_for, send_case_apology
from surveys.people.access import can_see_contact


def _visible_alert(alert_id: int) -> Alert:
    """The alert, or 404 when it is not the user's to see."""
    try:
        return alert_for(signed_in_user(), alert_id)
    except NotVisible:
        refuse(404)


def _case_context(alert: Alert, **extra) -> dict:
    """What the case templates show."""
    user = signed_in_user()
    remedies = case_remedies(alert)
    return {
        "alert": alert,
        "case_remedies": remedies,
        "remedy_totals": remedy_totals(remedies),
        "apology_draft": draft_for(alert) if alert.response else "",
        "location": alert.location,
        "response": alert.response,
        "earlier": earlier_visits(alert.response, user) if alert.response else [],
        "actions": offered_actions(alert, user),
        "shows_contact": can_see_contact(user, alert.location),
        "colleagues": colleagues_for(alert),
        "remedies": list(Remedy),
        "outcomes": list(Outcome),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "errors": {},
        "values": {},
        **extra,
    }


@bp.get("/alerts/<int:alert_id>")
def alert_detail(alert_id: int):
    """The case page."""
    alert = _visible_alert(alert_id)
    return render_page("admin/alerts/case.html", "admin/alerts/_case.html", **_case_context(alert))


def _perform(alert_id: int, action: str, run=None):
    """Run one case action; htmx gets the case part back, a plain form a redirect."""
    alert = _visible_alert(alert_id)
    user = signed_in_user()
    run = run or (lambda: act_on_case(alert, user, action, request.form, request.remote_addr))
    try:
        message = run()
    except NotAllowed:
        refuse(403, alert.location_id)
    except SubmissionError as refused:
        db.session.rollback()
        alert = _visible_alert(alert_id)
        context = _case_context(alert, errors=refused.errors, values=request.form)
        return render_page(
            "admin/alerts/case.html", "admin/alerts/_case.html", refused.status, **context
        )
    db.session.commit()
    if not wants_partial():
        flash(message)
        return redirect(url_for("admin.alert_detail", alert_id=alert_id), code=303)
    return render_page(
        "admin/alerts/case.html", "admin/alerts/_case.html", **_case_context(alert, done=message)
    )


@bp.post("/alerts/<int:alert_id>/acknowledge")
def alert_acknowledge(alert_id: int):
    """I'm on it."""
    return _perform(alert_id, "acknowledge")


@bp.post("/alerts/<int:alert_id>/assign")
def alert_assign(alert_id: int):
    """Hand the case to a colleague."""
    return _perform(alert_id, "assign")


@bp.post("/alerts/<int:alert_id>/resolve")
def alert_resolve(alert_id: int):
    """Record what was done to make it right."""
    return _perform(alert_id, "resolve")


@bp.post("/alerts/<int:alert_id>/follow-up")
def alert_schedule_follow_up(alert_id: int):
    """Plan to check back with the customer."""
    return _perform(alert_id, "schedule_follow_up")


@bp.post("/alerts/<int:alert_id>/close")
def alert_close(alert_id: int):
    """Close the case with its outcome."""
    return _perform(alert_id, "close")


@bp.post("/alerts/<int:alert_id>/reopen")
def alert_reopen(alert_id: int):
    """Take the case up again."""
    return _perform(alert_id, "reopen")


@bp.post("/alerts/<int:alert_id>/remedy")
def alert_add_remedy(alert_id: int):
    """One more thing done for the customer."""
    return _perform(alert_id, "add_remedy")


@bp.post("/alerts/<int:alert_id>/note")
def alert_add_note(alert_id: int):
    """A free note on the timeline."""
    return _perform(alert_id, "note")


@bp.post("/alerts/<int:alert_id>/apology")
def alert_email_apology(alert_id: int):
    """E-mail the customer the apology as edited, with the case's coupon if any; once,
    unless the page asked explicitly to send it again."""
    alert = _visible_alert(alert_id)

    def send() -> str:
        send_case_apology(alert, signed_in_user(), request.form, request.remote_addr)
        return _("The apology is on its way to the customer.")

    return _perform(alert_id, "email_apology", send)
