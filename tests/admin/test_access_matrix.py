"""The access matrix: every admin route × method × role, aimed at location A's objects.

Each row of MATRIX says what each role gets from one endpoint. A route added to the admin
without a row here fails this test: add it to the matrix. The ids in the URLs are those of
location A's objects, so manager B is the one trying another shop's ids. Every refusal
(403 or 404) leaves an access.refused row in the audit trail.
"""

import pytest
from sqlalchemy import func, select

from surveys.cases.coupons import issue_coupon
from surveys.channels.tills import create_api_key
from surveys.db import db
from surveys.models import AuditEvent, Location, PushSubscription, User, Webhook
from tests.admin.conftest import sign_in_as
from tests.case_factories import make_alert
from wsgi import app as module_app

OK = "allowed"  # 2xx, 3xx, 409 or 422 (refused for the content or state, not the sender)
DENIED = 403  # the role may not open this page at all, whichever ids it names
HIDDEN = 404  # the object belongs to a location the user may not see: as if it did not exist
LOGIN = "login"  # anonymous: sent to the login page

ROLES = ("anonymous", "staff_a", "manager_b", "manager_a", "owner")


def row(owner, manager_a, manager_b, staff_a, anonymous=LOGIN) -> dict:
    """One endpoint's expectations, by role."""
    return dict(
        owner=owner, manager_a=manager_a, manager_b=manager_b, staff_a=staff_a, anonymous=anonymous
    )


SIGNED_IN = row(owner=OK, manager_a=OK, manager_b=OK, staff_a=OK)
MANAGERS = row(owner=OK, manager_a=OK, manager_b=OK, staff_a=DENIED)
LOCATION_A = row(owner=OK, manager_a=OK, manager_b=HIDDEN, staff_a=DENIED)
OWNER_ONLY = row(owner=OK, manager_a=DENIED, manager_b=DENIED, staff_a=DENIED)
# Anyone who sees location A, staff included, may print its poster.
SEES_LOCATION_A = row(owner=OK, manager_a=OK, manager_b=HIDDEN, staff_a=OK)
# Surveys are invisible to staff and to managers of places where they are not shown.
SURVEY_OF_A = row(owner=OK, manager_a=OK, manager_b=HIDDEN, staff_a=HIDDEN)
SURVEY_OF_A_EDIT = row(owner=OK, manager_a=DENIED, manager_b=HIDDEN, staff_a=HIDDEN)

MATRIX = {
    "admin.login": row(owner=OK, manager_a=OK, manager_b=OK, staff_a=OK, anonymous=OK),
    "admin.logout": SIGNED_IN,
    "admin.alerts_list": SIGNED_IN,
    "admin.account": SIGNED_IN,
    "admin.account_password": SIGNED_IN,
    "admin.account_sessions_end": SIGNED_IN,
    "admin.account_digest": SIGNED_IN,
    "admin.account_notifications": SIGNED_IN,
    # The installable app: fetched by the browser without cookies.
    "admin.manifest": row(owner=OK, manager_a=OK, manager_b=OK, staff_a=OK, anonymous=OK),
    "admin.admin_service_worker": row(
        owner=OK, manager_a=OK, manager_b=OK, staff_a=OK, anonymous=OK
    ),
    "admin.push_subscriptions_create": SIGNED_IN,
    # The owner's own device: nobody else sees it.
    "admin.push_subscription_remove": row(
        owner=OK, manager_a=HIDDEN, manager_b=HIDDEN, staff_a=HIDDEN
    ),
    # Without the token a notification carries, nobody acknowledges from a push.
    "admin.alert_acknowledge_from_push": row(
        owner=DENIED, manager_a=DENIED, manager_b=DENIED, staff_a=DENIED
    ),
    "admin.locations_list": MANAGERS,
    "admin.location_new": OWNER_ONLY,
    "admin.locations_create": OWNER_ONLY,
    "admin.location_edit": OWNER_ONLY,
    "admin.location_update": OWNER_ONLY,
    "admin.location_duty": LOCATION_A,
    "admin.staff_list": LOCATION_A,
    "admin.staff_create": LOCATION_A,
    "admin.staff_update": LOCATION_A,
    "admin.staff_deactivate": LOCATION_A,
    "admin.staff_reactivate": LOCATION_A,
    "admin.location_staff_permissions": LOCATION_A,
    "admin.integrations_page": LOCATION_A,
    "admin.webhooks_create": LOCATION_A,
    "admin.webhook_test": LOCATION_A,
    "admin.webhook_remove": LOCATION_A,
    "admin.api_keys_create": LOCATION_A,
    "admin.api_key_revoke": LOCATION_A,
    "admin.devices_list": LOCATION_A,
    "admin.devices_create": LOCATION_A,
    "admin.device_pairing_link": LOCATION_A,
    "admin.device_revoke": LOCATION_A,
    "admin.users_list": OWNER_ONLY,
    "admin.user_new": OWNER_ONLY,
    "admin.users_create": OWNER_ONLY,
    "admin.user_edit": OWNER_ONLY,
    "admin.user_update": OWNER_ONLY,
    "admin.user_deactivate": OWNER_ONLY,
    "admin.user_reactivate": OWNER_ONLY,
    "admin.user_password_reset": OWNER_ONLY,
    "admin.audit_list": OWNER_ONLY,
    "admin.surveys_list": MANAGERS,
    "admin.surveys_create": OWNER_ONLY,
    "admin.survey_edit": SURVEY_OF_A,
    "admin.survey_update": SURVEY_OF_A_EDIT,
    "admin.survey_assignments_update": SURVEY_OF_A_EDIT,
    "admin.survey_preview": SURVEY_OF_A,
    "admin.poster_show": SEES_LOCATION_A,
    "admin.poster_svg": SEES_LOCATION_A,
    "admin.poster_png": SEES_LOCATION_A,
    "admin.branding_list": OWNER_ONLY,
    "admin.branding_edit": OWNER_ONLY,
    "admin.branding_update": OWNER_ONLY,
    # The alert inbox and cases: everyone signed in has an inbox (of their own locations);
    # staff read a case of their location but may not act on it.
    "admin.alerts_feed": SIGNED_IN,
    "admin.alerts_stream": SIGNED_IN,
    "admin.inbox_presence": SIGNED_IN,
    "admin.alerts_search": SIGNED_IN,
    "admin.alert_detail": SEES_LOCATION_A,
    "admin.alert_acknowledge": LOCATION_A,
    "admin.alert_assign": LOCATION_A,
    "admin.alert_resolve": LOCATION_A,
    "admin.alert_schedule_follow_up": LOCATION_A,
    "admin.alert_close": LOCATION_A,
    "admin.alert_reopen": LOCATION_A,
    "admin.alert_email_apology": LOCATION_A,
    "admin.alert_add_remedy": LOCATION_A,
    "admin.alert_add_note": LOCATION_A,
    # The apology e-mail's texts: owners and the location's own managers.
    "admin.apology_texts_edit": LOCATION_A,
    "admin.apology_texts_save": LOCATION_A,
    "admin.coupon_detail": SEES_LOCATION_A,
    # Staff redeem coupons only where a manager allowed it (off here, as by default).
    "admin.coupons_redeem": MANAGERS,
    # Dashboards: owners and managers, each for the locations they see; staff have none.
    "admin.dashboard_show": MANAGERS,
    "admin.dashboard_comments": MANAGERS,
    # The CSV export: owners and managers, each of the locations they see; staff never.
    "admin.exports_page": MANAGERS,
    "admin.exports_responses_csv": MANAGERS,
}


def url_values(shops, case_a) -> dict[str, int]:
    """The value of each URL argument: always an object of location A."""
    return {
        "location_id": shops.a,
        "staff_id": shops.staff_member_a,
        "device_id": shops.device_a,
        "user_id": shops.other_manager_a,
        "survey_id": shops.survey_a,
        **case_a,
    }


@pytest.fixture
def case_a(app, shops) -> dict[str, int]:
    """An alert of location A with a coupon issued on it."""
    with app.app_context():
        alert = make_alert(db.session.get(Location, shops.a))
        coupon = issue_coupon(alert, db.session.get(User, shops.owner), 500, valid_days=30)
        location = db.session.get(Location, shops.a)
        webhook = Webhook(
            location=location, url="https://example.com/h", preset="generic", secret="s"
        )
        api_key, _key = create_api_key(location, "Till A")
        db.session.add(webhook)
        device = PushSubscription(
            user_id=shops.owner,
            endpoint="https://push.example/o",
            p256dh="k",
            auth="a",
            label="Phone",
        )
        db.session.add(device)
        db.session.commit()
        return {
            "alert_id": alert.id,
            "coupon_id": coupon.id,
            "webhook_id": webhook.id,
            "api_key_id": api_key.id,
            "subscription_id": device.id,
        }


def admin_rules():
    """Every admin rule in the application."""
    return [rule for rule in module_app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


ADMIN_ENDPOINTS = sorted({rule.endpoint for rule in admin_rules()})


def outcome(response) -> str | int:
    """What a response means for the matrix."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/admin/login?next=" in location:
        return LOGIN
    # 422 and 409: refused for what was sent or for the case's state, not for who sent it.
    if 200 <= response.status_code < 400 or response.status_code in (409, 422):
        return OK
    return response.status_code


def audited_refusals(app) -> int:
    """How many access.refused rows the audit trail holds."""
    with app.app_context():
        query = select(func.count()).where(AuditEvent.action == "access.refused")
        return db.session.scalar(query)


def test_the_matrix_names_only_routes_that_exist():
    assert sorted(set(MATRIX) - set(ADMIN_ENDPOINTS)) == []


@pytest.mark.parametrize("endpoint", ADMIN_ENDPOINTS)
def test_each_role_gets_what_the_matrix_says(app, shops, case_a, endpoint):
    assert endpoint in MATRIX, f"{endpoint} has no row: add it to the matrix in this file"
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own tests; here only who may do what
    values = url_values(shops, case_a)
    mismatches = []
    for rule in (rule for rule in admin_rules() if rule.endpoint == endpoint):
        missing = rule.arguments - set(values)
        assert not missing, f"add a value for {sorted(missing)} to url_values()"
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                client = app.test_client()
                if role != "anonymous":
                    sign_in_as(app, client, getattr(shops, role))
                before = audited_refusals(app)
                got = outcome(client.open(path, method=method))
                if got != MATRIX[endpoint][role]:
                    mismatches.append(
                        f"{method} {path} as {role}: {got}, not {MATRIX[endpoint][role]}"
                    )
                elif got in (DENIED, HIDDEN) and audited_refusals(app) != before + 1:
                    mismatches.append(f"{method} {path} as {role}: {got}, but not audited")
    assert mismatches == []


# Refusals that once called abort() themselves and so left no trace; some need a query
# argument or an id of nothing, which the matrix never sends.
FORMER_BYPASSES = [
    pytest.param("staff_a", "GET", "/admin/surveys/", 403, id="surveys_list"),
    pytest.param("manager_a", "POST", "/admin/surveys/", 403, id="surveys_create"),
    pytest.param("manager_b", "GET", "/admin/surveys/{survey_id}", 404, id="survey_hidden"),
    pytest.param("manager_a", "POST", "/admin/surveys/{survey_id}", 403, id="survey_edit"),
    pytest.param("manager_b", "GET", "/admin/coupons/{coupon_id}", 404, id="coupon_detail"),
    pytest.param("manager_a", "GET", "/admin/branding/", 403, id="branding_list"),
    pytest.param("manager_a", "GET", "/admin/branding/{location_id}", 403, id="branding_edit"),
    pytest.param("owner", "POST", "/admin/branding/999", 404, id="branding_no_location"),
    pytest.param(
        "manager_b", "GET", "/admin/locations/{location_id}/poster", 404, id="poster_show"
    ),
    pytest.param("manager_b", "GET", "/admin/alerts/{alert_id}", 404, id="alert_detail"),
    pytest.param("staff_a", "POST", "/admin/alerts/{alert_id}/acknowledge", 403, id="case_action"),
    pytest.param("manager_b", "GET", "/admin/?location={location_id}", 404, id="inbox_filter"),
    pytest.param(
        "manager_b",
        "GET",
        "/admin/exports/responses.csv?location={location_id}",
        404,
        id="export_location",
    ),
]


@pytest.mark.parametrize(("who", "method", "path", "status"), FORMER_BYPASSES)
def test_each_refusal_is_audited_with_who_and_why(app, shops, case_a, who, method, path, status):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    sign_in_as(app, client, getattr(shops, who))
    response = client.open(path.format(**url_values(shops, case_a)), method=method)
    assert response.status_code == status
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == "access.refused")
        refused = [(event.actor_id, event.details["status"]) for event in db.session.scalars(query)]
    assert refused == [(getattr(shops, who), status)]


def test_an_unknown_print_format_is_not_found_but_nothing_was_refused(app, shops, signed_in):
    response = signed_in("manager_a").get(f"/admin/locations/{shops.a}/poster?format=a0")
    assert response.status_code == 404
    assert audited_refusals(app) == 0
