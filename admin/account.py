"""The signed-in user's own account: change the password, sign out everywhere, choose the
digest e-mail, how alerts reach them."""

from flask import current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.exceptions import TooManyRequests

from admin import bp
from admin.auth import start_session
from admin.guards import actor
from admin.rendering import render_page, see_other
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.notify.digests import set_digest
from surveys.notify.preferences import set_preferences
from surveys.notify.push import application_server_key, subscriptions_of
from surveys.people.sessions import change_password, sign_out_everywhere
from surveys.places.locations import time_zones
from surveys.ratelimit import BudgetSpent, take_attempt

ACCOUNT_PAGE = "admin/account/page.html"


@bp.get("/account")
def account():
    """The account page: password change, push notifications, ending every session."""
    return render_page(ACCOUNT_PAGE, errors={}, **_push_context())


def _push_context() -> dict:
    """The devices that get pushed alerts, and the key a new one subscribes with."""
    return {
        "push_subscriptions": subscriptions_of(current_user),
        "vapid_key": application_server_key(),
        "time_zones": time_zones(),
    }


@bp.post("/account/password")
def account_password():
    """Change the password; every other session of the account ends, this one goes on.
    Refused tries count per account, wherever they come from (the session is the owner's);
    counted before the current password is checked, as at sign-in."""
    user = current_user._get_current_object()
    form = request.form
    budget = {f"password-change:user:{user.id}": current_app.config["LOGIN_ACCOUNT_LIMIT"]}
    try:
        attempt = take_attempt(budget)
    except BudgetSpent as spent:
        raise TooManyRequests(retry_after=spent.retry_after) from None
    try:
        key = change_password(
            user,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirmation", ""),
            actor(),
        )
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return render_page(ACCOUNT_PAGE, status=422, errors=invalid.errors, **_push_context())
    db.session.commit()
    attempt.give_back()
    start_session(user, key)
    flash(_("Your password is changed. Every other session has ended."))
    return see_other(url_for("admin.account"))


@bp.post("/account/sessions/end")
def account_sessions_end():
    """Sign out on every device, this one included."""
    sign_out_everywhere(current_user._get_current_object(), request.remote_addr)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out on every device."))
    return see_other(url_for("admin.login"))


@bp.post("/account/digest")
def account_digest():
    """Opt in to the daily or weekly digest e-mail, or out of it, and choose its language."""
    user = current_user._get_current_object()
    try:
        set_digest(user, request.form.get("frequency", ""), request.form.get("language", ""))
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return render_page(ACCOUNT_PAGE, status=422, errors=invalid.errors, **_push_context())
    db.session.commit()
    flash(_("Your digest choice is saved."))
    return see_other(url_for("admin.account"))


@bp.post("/account/notifications")
def account_notifications():
    """Choose the channels (push, e-mail) and quiet hours of one's alerts."""
    user = current_user._get_current_object()
    try:
        set_preferences(user, request.form)
    except SubmissionInvalid as invalid:
        db.session.rollback()
        return render_page(ACCOUNT_PAGE, status=422, errors=invalid.errors, **_push_context())
    db.session.commit()
    flash(_("Your choice of how alerts reach you is saved."))
    return see_other(url_for("admin.account"))
