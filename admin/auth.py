"""Signing in and out. Failed sign-ins are throttled per account from each client address and
per client address in all; never per account alone, which anyone could use to lock the owner
out by failing on purpose. The right password from another address still signs in."""

import hashlib

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from admin import SESSION_KEY, bp
from surveys.db import db
from surveys.models import User
from surveys.people.sessions import sign_in, sign_out
from surveys.ratelimit import BudgetSpent, client_network, take_attempt

LOGIN_TEMPLATE = "admin/auth/login.html"


def _account_key() -> str:
    """The throttling key of the e-mail tried from this client's address (or IPv6 network);
    a digest, so no e-mail sits in the store."""
    email = request.form.get("email", "").strip().lower()
    if not email:
        return ""
    return "account:" + hashlib.sha256(f"{email}\0{client_network()}".encode()).hexdigest()


def start_session(user: User, key: str) -> None:
    """Sign this browser in afresh: nothing of an earlier session is carried over."""
    session.clear()
    session[SESSION_KEY] = key
    login_user(user, fresh=True)


def _next_page() -> str:
    """Where to go after signing in: the page that asked, if it is one of ours."""
    target = request.args.get("next", "")
    if target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.alerts_list")


def _sign_in_budgets() -> dict[str, str]:
    """The budgets a sign-in attempt takes from: its address's, and its account's there."""
    config = current_app.config
    budgets = {"login-address:" + client_network(): config["LOGIN_ADDRESS_LIMIT"]}
    if account := _account_key():
        budgets[account] = config["LOGIN_ACCOUNT_LIMIT"]
    return budgets


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; the same answer for an unknown e-mail and a wrong password. Each try
    is counted before the password is checked and given back when it was right, so only
    failures count, and parallel guesses on every worker and host stop at the limit."""
    if request.method == "GET":
        return render_template(LOGIN_TEMPLATE)
    try:
        attempt = take_attempt(_sign_in_budgets())
    except BudgetSpent as spent:
        raise TooManyRequests(retry_after=spent.retry_after) from None
    signed_in = sign_in(
        request.form.get("email", ""), request.form.get("password", ""), request.remote_addr
    )
    db.session.commit()
    if signed_in is None:
        error = _("That e-mail and password do not match an account.")
        return render_template(LOGIN_TEMPLATE, error=error), 422
    attempt.give_back()
    start_session(*signed_in)
    if signed_in[0].must_change_password:
        return redirect(url_for("admin.account"), code=303)
    return redirect(_next_page(), code=303)


@bp.errorhandler(429)
def too_many_attempts(error):
    """A throttled sign-in sees the form again with a plain explanation."""
    if request.endpoint != "admin.login":
        return render_template("errors/error.html", error=error), 429
    message = _("Too many failed sign-ins. Wait a few minutes, then try again.")
    return render_template(LOGIN_TEMPLATE, error=message), 429


@bp.post("/logout")
def logout():
    """End this browser's session; a copy of its cookie stops working too."""
    sign_out(current_user._get_current_object(), session.get(SESSION_KEY), request.remote_addr)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("admin.login"), code=303)
