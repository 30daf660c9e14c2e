"""The translated names screens show for coded values: roles, states, kinds, channels, faces."""

from flask_babel import lazy_gettext as _l

from surveys.models import (
    AlertStatus,
    Channel,
    EventKind,
    Outcome,
    QuestionKind,
    Remedy,
    Role,
    ShownWhen,
    WebhookPreset,
)

ROLE_LABELS = {
    Role.OWNER: _l("Owner"),
    Role.MANAGER: _l("Manager"),
    Role.STAFF: _l("Staff (reads the inbox)"),
}

# Keyed by Device.status.
DEVICE_STATUS_LABELS = {
    "paired": _l("Paired"),
    "waiting": _l("Waiting for pairing"),
    "expired": _l("Pairing link expired"),
    "revoked": _l("Revoked"),
}

CASE_STATUS_LABELS = {
    AlertStatus.NEW: _l("New"),
    AlertStatus.ACKNOWLEDGED: _l("Acknowledged"),
    AlertStatus.RESOLVED: _l("Resolved"),
    AlertStatus.CLOSED: _l("Closed"),
    AlertStatus.REOPENED: _l("Reopened"),
}
REMEDY_LABELS = {
    Remedy.APOLOGY: _l("Apology"),
    Remedy.REPLACEMENT: _l("Replacement"),
    Remedy.REFUND: _l("Refund"),
    Remedy.COUPON: _l("Coupon"),
    Remedy.OTHER: _l("Something else"),
}
OUTCOME_LABELS = {
    Outcome.WON_BACK: _l("Won back"),
    Outcome.NEUTRAL: _l("Neutral"),
    Outcome.LOST: _l("Lost"),
}
EVENT_KIND_LABELS = {
    EventKind.APOLOGY_EMAILED: _l("Apology e-mailed to the customer"),
    EventKind.DETAILS_ADDED: _l("The customer told us more"),
    EventKind.ACKNOWLEDGED: _l("Acknowledged"),
    EventKind.ASSIGNED: _l("Assigned"),
    EventKind.RESOLVED: _l("Resolved"),
    EventKind.FOLLOW_UP_SCHEDULED: _l("Follow-up scheduled"),
    EventKind.CLOSED: _l("Closed"),
    EventKind.REOPENED: _l("Reopened"),
    EventKind.COUPON_ISSUED: _l("Coupon issued"),
    EventKind.COUPON_REDEEMED: _l("Coupon redeemed"),
    EventKind.NOTE_ADDED: _l("Note"),
    EventKind.REMEDY_ADDED: _l("Remedy added"),
}

QUESTION_KIND_LABELS = {
    QuestionKind.FACES: _l("Faces (1–5)"),
    QuestionKind.STARS: _l("Stars (1–5)"),
    QuestionKind.NPS: _l("NPS (0–10)"),
    QuestionKind.CHOICE: _l("Single choice"),
    QuestionKind.MULTI: _l("Multiple choice"),
    QuestionKind.TEXT: _l("Free text"),
    QuestionKind.STAFF: _l("Staff member"),
    QuestionKind.CONTACT: _l("Contact details"),
}
CHANNEL_LABELS = {
    Channel.KIOSK: _l("Kiosk tablet"),
    Channel.RECEIPT: _l("Receipt QR code"),
    Channel.LINK: _l("Poster QR code"),
}
SHOWN_WHEN_LABELS = {
    ShownWhen.ALWAYS: _l("After any first answer"),
    ShownWhen.NEGATIVE: _l("After an unhappy first answer"),
    ShownWhen.POSITIVE: _l("After a happy first answer"),
}
# Keyed by the operators of surveys.capture.conditions.
CONDITION_OPERATOR_LABELS = {
    "<=": _l("is at most"),
    "<": _l("is below"),
    ">=": _l("is at least"),
    ">": _l("is above"),
    "=": _l("is"),
    "!=": _l("is not"),
    "includes": _l("includes the option"),
    "excludes": _l("does not include the option"),
}

FACE_LABELS = {
    1: _l("Very unhappy"),
    2: _l("Unhappy"),
    3: _l("Okay"),
    4: _l("Happy"),
    5: _l("Very happy"),
}

# Keyed by the period kinds of surveys.reporting.metrics.
PERIOD_LABELS = {
    "today": _l("Today"),
    "7d": _l("Last 7 days"),
    "30d": _l("Last 30 days"),
    "custom": _l("Chosen dates"),
}
# The export form names its date fields "custom dates", so its period says so too.
EXPORT_PERIOD_LABELS = PERIOD_LABELS | {"custom": _l("Custom dates")}

# The screens the survey editor's preview draws.
PREVIEW_DEVICE_LABELS = {"tablet": _l("Tablet"), "phone": _l("Phone")}

# Keyed by WebhookPreset: the shape of the body a webhook receives.
WEBHOOK_PRESET_LABELS = {
    WebhookPreset.GENERIC: _l("Generic JSON (Standard Webhooks, signed)"),
    WebhookPreset.SLACK: _l("Slack"),
    WebhookPreset.TEAMS: _l("Microsoft Teams"),
}

# Keyed by the API key scopes of surveys/models/tills.py.
SCOPE_LABELS = {
    "receipts": _l("Tills: make receipt codes"),
    "read": _l("Reporting: read responses and figures"),
}

# What an audit event records, as the audit page says it. Keyed by AuditEvent.action;
# tests/surveys/people/test_audit_reading.py checks that every action the code records is here.
AUDIT_ACTION_LABELS = {
    "access.refused": _l("Was refused a page"),
    "alert.apology_emailed": _l("E-mailed the customer an apology"),
    "branding.saved": _l("Saved a branding"),
    "case.acknowledge": _l("Acknowledged a case"),
    "case.assign": _l("Handed a case to someone"),
    "case.resolve": _l("Recorded what was done for a case"),
    "case.schedule_follow_up": _l("Planned a follow-up"),
    "case.close": _l("Closed a case"),
    "case.reopen": _l("Reopened a case"),
    "case.add_remedy": _l("Added a remedy to a case"),
    "case.note": _l("Wrote a note on a case"),
    "coupon.redeemed": _l("Redeemed a coupon"),
    "device.created": _l("Added a tablet"),
    "device.pairing_code": _l("Made a pairing link for a tablet"),
    "device.revoked": _l("Revoked a tablet"),
    "location.created": _l("Added a location"),
    "location.updated": _l("Changed a location's settings"),
    "location.duty_changed": _l("Went on or off duty"),
    "location.staff_permissions_changed": _l("Changed what staff may do"),
    "location.apology_texts_saved": _l("Changed the apology e-mail's text"),
    "login": _l("Signed in"),
    "login.failed": _l("Failed to sign in"),
    "logout": _l("Signed out"),
    "password.changed": _l("Changed their password"),
    "privacy.erased": _l("Erased a customer's personal data"),
    "privacy.purged": _l("Deleted expired contact details"),
    "sessions.ended": _l("Signed out everywhere"),
    "staff.created": _l("Added a staff member"),
    "staff.renamed": _l("Renamed a staff member"),
    "survey.assigned": _l("Changed where a survey is shown"),
    "survey.created": _l("Created a survey"),
    "survey.saved": _l("Saved a survey"),
    "user.created": _l("Created an account"),
    "user.updated": _l("Changed an account"),
    "user.deactivated": _l("Deactivated an account"),
    "user.reactivated": _l("Reactivated an account"),
    "user.password_reset": _l("Reset an account's password"),
    "webhook.added": _l("Added a webhook"),
    "webhook.removed": _l("Removed a webhook"),
    "webhook.tested": _l("Sent a webhook a test event"),
    "api_key.created": _l("Created an API key"),
    "api_key.revoked": _l("Revoked an API key"),
    "push.subscribed": _l("Turned on notifications on a device"),
    "push.unsubscribed": _l("Stopped notifications on a device"),
}

# The names of what an audit event's details hold. Keyed by the detail's key.
AUDIT_DETAIL_LABELS = {
    "alert_id": _l("Case"),
    "api_key_id": _l("API key"),
    "webhook_id": _l("Webhook"),
    "push_subscription_id": _l("Device"),
    "coupon_id": _l("Coupon"),
    "device_id": _l("Tablet"),
    "endpoint": _l("Page"),
    "location_ids": _l("Locations"),
    "requested_location_id": _l("Location asked for"),
    "role": _l("Role"),
    "staff_id": _l("Staff member"),
    "status": _l("Status"),
    "survey_id": _l("Survey"),
    "user_id": _l("Account"),
    "manager_on_duty": _l("Manager on duty"),
    "staff_may_acknowledge": _l("Staff may acknowledge"),
    "staff_may_redeem_coupons": _l("Staff may redeem coupons"),
    "staff_may_see_contact": _l("Staff may read contacts"),
    "name": _l("Name"),
    "timezone": _l("Time zone"),
    "languages": _l("Languages"),
    "default_language": _l("Default language"),
    "response_interval_seconds": _l("Seconds between two responses"),
    "idle_timeout_seconds": _l("Seconds before a follow-up is abandoned"),
    "thank_you_seconds": _l("Seconds the thank-you stays"),
    "contact_retention_days": _l("Days contact details are kept"),
    "currency": _l("Currency"),
    "escalate_after_minutes": _l("Minutes to acknowledge"),
    "resolve_within_hours": _l("Hours to resolve"),
}
