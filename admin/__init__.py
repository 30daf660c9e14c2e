"""The managers' blueprint: login, alert inbox and cases, and later dashboards and editors."""

from flask import Blueprint, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from surveys.authoring.access import can_view_surveys
from surveys.models import User
from surveys.people.access import (
    can_manage_locations_setup,
    can_redeem_anywhere,
    can_view_dashboards,
    is_owner,
)
from surveys.people.sessions import user_for_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.session_protection = "strong"

SESSION_KEY = "session_key"  # the browser's random key for its UserSession row
# Pages a user whose password must change may still open.
# The sign-in page, and what a browser fetches without cookies to install the app.
OPEN_TO_EVERYONE = {"admin.login", "admin.manifest", "admin.admin_service_worker"}
OPEN_WHILE_PASSWORD_MUST_CHANGE = {"admin.account", "admin.account_password", "admin.logout"}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user, if the account is active and this session not ended since."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    return user_for_session(int(user_id), int(version), session.get(SESSION_KEY))


@bp.before_request
def _guard():
    """Every admin route needs a signed-in user, except the login page itself."""
    if request.endpoint in OPEN_TO_EVERYONE:
        return None
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            # A poll from a page whose session ended: send the whole page to the login,
            # rather than letting htmx swap the login form into a corner of the inbox.
            return "", 401, {"HX-Redirect": url_for("admin.login")}
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in (
        OPEN_WHILE_PASSWORD_MUST_CHANGE
    ):
        return redirect(url_for("admin.account"))
    return None


@bp.after_request
def _never_cache(response):
    """Admin pages hold customers' words: no browser or proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _navigation():
    """The sections the signed-in user may open, for the menu."""
    if not current_user.is_authenticated:
        return {"navigation": []}
    items = [("admin.alerts_list", _l("Alerts"))]
    if can_view_dashboards(current_user):
        items.append(("admin.dashboard_show", _l("Dashboard")))
    if can_redeem_anywhere(current_user):
        items.append(("admin.coupons_redeem", _l("Coupons")))
    if can_view_surveys(current_user):
        items.append(("admin.surveys_list", _l("Surveys")))
    if can_manage_locations_setup(current_user):
        items.append(("admin.locations_list", _l("Locations")))
        items.append(("admin.exports_page", _l("Export")))
    if is_owner(current_user):
        items += [
            ("admin.branding_list", _l("Branding")),
            ("admin.users_list", _l("Users")),
            ("admin.audit_list", _l("Audit")),
        ]
    items.append(("admin.account", _l("Account")))
    links = [(url_for(endpoint), label) for endpoint, label in items]
    # The section a page belongs to is the longest menu address its own address starts with.
    starts = [url for url, _label in links if request.path.startswith(url)]
    current = max(starts, key=len, default="")
    return {"navigation": [(url, label, url == current) for url, label in links]}


# Routes register on import.
from admin import (  # noqa: E402,F401
    account,
    alerts,
    apology_texts,
    audit,
    auth,
    branding,
    cases,
    coupons,
    dashboards,
    devices,
    exports,
    integrations,
    locations,
    posters,
    presentation,
    push,
    staff,
    surveys,
    users,
)
