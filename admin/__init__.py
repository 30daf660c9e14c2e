"""The managers' blueprint: login, alert inbox and cases, and later dashboards and editors."""

from flask import Blueprint, request, url_for
from flask_login import LoginManager, current_user

from surveys.db import db
from surveys.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, if the account is active and the session not ended since."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@bp.before_request
def _guard():
    """Every admin route needs a signed-in user, except the login page itself."""
    if request.endpoint == "admin.login" or current_user.is_authenticated:
        return None
    if request.headers.get("HX-Request"):
        # A poll from a page whose session ended: send the whole page to the login, rather
        # than letting htmx swap the login form into a corner of the inbox.
        return "", 401, {"HX-Redirect": url_for("admin.login")}
    return login_manager.unauthorized()


from admin import alerts, auth, cases, coupons, presentation  # noqa: E402,F401  (routes register on import)
