"""Reading a kiosk post strictly: invalid UTF-8 and NUL bytes are refused, not replaced."""

from urllib.parse import parse_qsl

from flask import request
from flask_babel import gettext as _

from surveys.errors import SubmissionError

MAX_FIELDS = 100


class UnreadableForm(SubmissionError):
    """A body that is not a well-formed UTF-8 form."""

    status = 400


def strict_form() -> dict[str, list[str]]:
    """The posted fields as {name: [values]}; Werkzeug would silently replace bad bytes."""
    if not request.content_length and not request.mimetype:
        return {}
    if request.mimetype != "application/x-www-form-urlencoded":
        raise UnreadableForm({"form": _("The answer could not be read. Please try again.")})
    try:
        pairs = parse_qsl(
            request.get_data(cache=True).decode("ascii"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        message = _("The answer could not be read. Please try again.")
        raise UnreadableForm({"form": message}) from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            raise UnreadableForm({"form": _("The text contains characters that are not allowed.")})
        fields.setdefault(name, []).append(value)
    return fields


def first(fields: dict[str, list[str]], name: str) -> str | None:
    """The first value sent for a field, or None."""
    values = fields.get(name)
    return values[0] if values else None
