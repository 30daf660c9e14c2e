"""Signing in and out."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from admin import bp
from surveys.accounts import authenticate
from surveys.db import db


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; the same answer for an unknown e-mail and a wrong password."""
    if request.method == "GET":
        return render_template("admin/auth/login.html")
    user = authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        error = _("That e-mail and password do not match an account.")
        return render_template("admin/auth/login.html", error=error), 422
    db.session.commit()
    login_user(user)
    return redirect(url_for("admin.alerts_list"), code=303)


@bp.post("/logout")
def logout():
    """End the session."""
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("admin.login"), code=303)
