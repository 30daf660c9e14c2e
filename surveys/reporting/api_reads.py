"""What the read API answers: a location's responses page by page, and its dashboard numbers.

A key reads only its own location. Parameters are checked strictly: an unknown one, or a
value that does not parse, is a 422 naming it, never a guess.
"""

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime

from flask_babel import gettext as _

from surveys.errors import OtherLocation, SubmissionInvalid
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import ApiKey
from surveys.reporting.metrics import Period, dashboard
from surveys.reporting.metrics.period import latest_local_date
from surveys.reporting.response_rows import TimeWindow, rows_statement, stream_rows

DEFAULT_PAGE = 100
MAX_PAGE = 1000
RESPONSES_PARAMS = {"since", "until", "location", "cursor", "limit", "language"}
METRICS_PARAMS = {"period", "first", "last", "location", "language"}


def _check_names(args: Mapping[str, str], allowed: set[str], errors: dict[str, str]) -> None:
    """Refuse parameters the endpoint does not know, so a typo is not silently ignored."""
    unknown = sorted(set(args) - allowed)
    if unknown:
        names = ", ".join(name[:40] for name in unknown[:10])
        errors["query"] = _("Unknown parameters: %(names)s", names=names)


def _check_location(api_key: ApiKey, value: str | None) -> None:
    """A key names no other location than its own."""
    if value is not None and value != str(api_key.location_id):
        raise OtherLocation()


def _language(api_key: ApiKey, value: str | None, errors: dict[str, str]) -> str:
    """Topic labels in this language: the one asked for, else the location's default."""
    if value is None:
        return api_key.location.default_language
    if value not in SUPPORTED_LANGUAGES:
        errors["language"] = _(
            "The language must be one of: %(names)s", names=", ".join(SUPPORTED_LANGUAGES)
        )
    return value


def _count(value: str | None, name: str, default: int, top: int, errors: dict) -> int:
    """A whole number between 0 (1 for a limit) and top."""
    if value is None:
        return default
    low = 1 if name == "limit" else 0
    digits = value.isascii() and value.isdigit() and len(value) <= 19
    if not (digits and low <= int(value) <= top):
        errors[name] = _("This must be a whole number from %(low)d to %(top)d.", low=low, top=top)
        return default
    return int(value)


def _instant(value: str | None, name: str, errors: dict[str, str]) -> datetime | None:
    """An ISO 8601 date or date and time (UTC without an offset), as naive UTC."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if stamp.tzinfo is not None:  # year 1 or 9999 moved past the calendar: OverflowError
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        errors[name] = _("This must be an ISO 8601 date or date and time.")
        return None
    return stamp


def responses_page(api_key: ApiKey, args: Mapping[str, str]) -> dict:
    """One page of the key's location's responses after the cursor, oldest first."""
    errors: dict[str, str] = {}
    _check_names(args, RESPONSES_PARAMS, errors)
    _check_location(api_key, args.get("location"))
    since = _instant(args.get("since"), "since", errors)
    until = _instant(args.get("until"), "until", errors)
    after = _count(args.get("cursor"), "cursor", 0, 2**62, errors)
    limit = _count(args.get("limit"), "limit", DEFAULT_PAGE, MAX_PAGE, errors)
    language = _language(api_key, args.get("language"), errors)
    if since and until and until <= since:
        errors["until"] = _("The end must come after the start.")
    if errors:
        raise SubmissionInvalid(errors)
    window = TimeWindow(api_key.location_id, since, until)
    statement = rows_statement([window], after_id=after).limit(limit + 1)
    rows = list(stream_rows([statement], language))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"data": rows, "next_cursor": str(rows[-1]["response_id"]) if more else None}


def metrics_for_key(api_key: ApiKey, args: Mapping[str, str]) -> dict:
    """The dashboard of the key's location for a period, as JSON-ready values."""
    errors: dict[str, str] = {}
    _check_names(args, METRICS_PARAMS, errors)
    _check_location(api_key, args.get("location"))
    language = _language(api_key, args.get("language"), errors)
    if errors:
        raise SubmissionInvalid(errors)
    today = latest_local_date([api_key.location.timezone])
    period = Period.parse(args.get("period") or "7d", args.get("first"), args.get("last"), today)
    return _plain(dataclasses.asdict(dashboard([api_key.location_id], period, language)))


def _plain(value):
    """Dates as ISO 8601 text, recursively; everything else as it is."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
