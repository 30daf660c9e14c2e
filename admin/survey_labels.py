"""The words the survey editor shows for kinds, channels, conditions and versions."""

from flask_babel import lazy_gettext as _l

from surveys.models import Channel, QuestionKind, ShownWhen

KIND_LABELS = {
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
OPERATOR_LABELS = {
    "<=": _l("is at most"),
    "<": _l("is below"),
    ">=": _l("is at least"),
    ">": _l("is above"),
    "=": _l("is"),
    "!=": _l("is not"),
    "includes": _l("includes the option"),
    "excludes": _l("does not include the option"),
}
DEVICE_LABELS = {"tablet": _l("Tablet"), "phone": _l("Phone")}
