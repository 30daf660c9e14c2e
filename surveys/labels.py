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
