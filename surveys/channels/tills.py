"""Tills: per-location API keys, and minting a receipt code with its QR for a till's request."""

import base64
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from surveys.channels.qr import QR_FORMATS, check_png_size, qr_png, qr_svg
from surveys.channels.receipts import is_count, mint_receipt, receipt_errors
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import ApiKey, Location, utcnow
from surveys.models.tills import SCOPES

KEY_PREFIX = "cpk_"
REQUEST_FIELDS = {"till", "receipt_number", "issued_at", "staff_id", "qr", "qr_size"}
DEFAULT_QR_SIZE = 300


def _digest(key: str) -> str:
    """SHA-256 of a random key; enough for high-entropy secrets, unlike passwords."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    location: Location, name: str, scopes: Sequence[str] = ("receipts",)
) -> tuple[ApiKey, str]:
    """A new key for a location; the key itself is returned once, never stored."""
    if not name.strip():
        raise SubmissionInvalid({"name": _("An API key needs a name, e.g. the till's.")})
    if not scopes or set(scopes) - set(SCOPES):
        names = ", ".join(SCOPES)
        raise SubmissionInvalid({"scope": _("The scope must be one of: %(names)s", names=names)})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        location=location,
        name=name.strip()[:80],
        key_hash=_digest(key),
        scopes=" ".join(scope for scope in SCOPES if scope in scopes),
    )
    db.session.add(api_key)
    return api_key, key


def api_key_for(key: str | None) -> ApiKey | None:
    """The active API key this secret is, or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key)))
    return api_key if api_key is not None and api_key.is_active else None


def revoke_api_key(api_key: ApiKey) -> None:
    """Stop a key from working, at once."""
    api_key.revoked_at = api_key.revoked_at or utcnow()


def receipt_for_till(api_key: ApiKey, body: Mapping) -> dict:
    """Validate a till's request, mint its receipt code and QR: the JSON to answer with."""
    values, qr_format, qr_size = _parse_request(api_key.location, body)
    minted = mint_receipt(api_key.location, **values)
    api_key.last_used_at = utcnow()
    result = {
        "code": minted.code,
        "url": minted.url,
        "issued_at": _iso(minted.receipt.issued_at),
        "expires_at": _iso(minted.receipt.expires_at),
    }
    if qr_format == "svg":
        result["qr"] = {"format": "svg", "size": qr_size, "svg": qr_svg(minted.url, qr_size)}
    elif qr_format == "png":
        png = base64.b64encode(qr_png(minted.url, qr_size)).decode("ascii")
        result["qr"] = {"format": "png", "size": qr_size, "png_base64": png}
    return result


def _parse_request(location: Location, body: Mapping) -> tuple[dict, str, int]:
    """mint_receipt's arguments, the QR format and size; every problem at once as 422."""
    errors: dict[str, str] = {}
    unknown = set(body) - REQUEST_FIELDS
    if unknown:
        errors["body"] = _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
    for name in ("till", "receipt_number"):
        if name not in body:
            errors[name] = _("This field is required.")
    issued_at = _parse_time(body.get("issued_at"), errors)
    staff_id = body.get("staff_id")
    if staff_id is not None and not is_count(staff_id):
        errors["staff_id"] = _("This staff member does not work at this location.")
        staff_id = None
    values = {
        "till": body.get("till"),
        "number": body.get("receipt_number"),
        "issued_at": issued_at,
        "staff_id": staff_id,
    }
    stamp = (issued_at or utcnow()).replace(microsecond=0)
    found = receipt_errors(location, values["till"], values["number"], stamp, staff_id)
    errors = found | errors
    qr_format = body.get("qr", "svg")
    if qr_format not in QR_FORMATS:
        errors["qr"] = _("The QR format must be one of: %(names)s", names=", ".join(QR_FORMATS))
    try:
        qr_size = check_png_size(body.get("qr_size", DEFAULT_QR_SIZE))
    except SubmissionInvalid as invalid:
        errors |= invalid.errors
        qr_size = DEFAULT_QR_SIZE
    if errors:
        raise SubmissionInvalid(errors)
    return values, qr_format, qr_size


def _parse_time(value, errors: dict[str, str]) -> datetime | None:
    """An ISO 8601 time (UTC when it has no offset) as naive UTC; None means now."""
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    except (AttributeError, TypeError, ValueError, OverflowError):
        # OverflowError: year 1 or 9999 moved past the calendar's end by its offset.
        errors["issued_at"] = _("The receipt's time must be an ISO 8601 date and time.")
        return None
    return stamp


def _iso(stamp: datetime) -> str:
    return stamp.isoformat() + "Z"
