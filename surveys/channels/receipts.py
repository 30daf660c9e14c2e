"""Receipts: minting a till's code, checking a scanned one, and the survey it opens.

A till computes codes offline with its location's secret (surveys/channels/receipt_codes.py); the
server checks the signature, the location and the age, and the response's unique receipt
token makes each receipt good for one answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from surveys.capture.responses import Source, answer_to_receipt, survey_for
from surveys.channels.receipt_codes import (
    FIELD_LIMITS,
    MalformedCode,
    ReceiptFields,
    encode_code,
    read_code,
    signature_matches,
)
from surveys.db import db
from surveys.errors import CodeExpired, CodeInvalid, CodeRetired, NoSurveyHere, SubmissionInvalid
from surveys.models import Channel, Location, Response, Staff, Survey, new_signing_secret, utcnow

RECEIPT_PATH = "/r/"
# A till whose clock runs ahead may stamp codes slightly in the future; more is refused.
CLOCK_TOLERANCE_FUTURE = timedelta(days=1)
# Replaced secrets remembered per location, so codes printed before a rotation are known.
RETIRED_SECRETS_KEPT = 5


@dataclass(frozen=True)
class Receipt:
    """A verified receipt: where and when the customer was served, and by whom."""

    location: Location
    till: int
    number: int
    issued_at: datetime
    staff_id: int | None

    @property
    def token_id(self) -> str:
        """What makes a receipt one receipt; unique among responses."""
        stamp = int(self.issued_at.replace(tzinfo=UTC).timestamp())
        return f"{self.location.id}-{self.till}-{self.number}-{stamp}"

    @property
    def expires_at(self) -> datetime:
        """When the code stops opening the survey."""
        return self.issued_at + timedelta(days=self.location.receipt_valid_days)


@dataclass(frozen=True)
class ReceiptVisit:
    """Someone opened a receipt code: the survey to show, or the answer it already has."""

    source: Source
    survey: Survey
    answered: Response | None


def receipt_url(code: str, base_url: str | None = None) -> str:
    """The link a receipt's QR code holds."""
    base = (base_url or current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}{RECEIPT_PATH}{code}"


def verify_receipt_code(code: str, now: datetime | None = None) -> Receipt:
    """The receipt a genuine, current code names; CodeInvalid, CodeRetired or CodeExpired
    otherwise (the last two only for a code the location really signed)."""
    try:
        fields = read_code(code)
    except MalformedCode:
        raise CodeInvalid() from None
    location = db.session.get(Location, fields.location_id) if fields.location_id else None
    if location is None:
        raise CodeInvalid()
    if not signature_matches(code, location.receipt_secret):
        if any(signature_matches(code, old) for old in location.retired_receipt_secrets):
            raise CodeRetired(location)
        raise CodeInvalid()
    receipt = _receipt_from(fields, location)
    now = now or utcnow()
    if receipt.issued_at > now + CLOCK_TOLERANCE_FUTURE:
        raise CodeInvalid()
    if receipt.expires_at < now:
        raise CodeExpired(location.receipt_valid_days, location)
    return receipt


def _receipt_from(fields: ReceiptFields, location: Location) -> Receipt:
    """The fields as a receipt; a staff id that is not this location's is dropped."""
    staff = db.session.get(Staff, fields.staff_id) if fields.staff_id else None
    return Receipt(
        location=location,
        till=fields.till,
        number=fields.receipt_number,
        issued_at=datetime.fromtimestamp(fields.issued_at, UTC).replace(tzinfo=None),
        staff_id=staff.id if staff is not None and staff.location_id == location.id else None,
    )


def receipt_source(code: str) -> Source:
    """The source a receipt's taps and follow-up are recorded against."""
    receipt = verify_receipt_code(code)
    return Source(location=receipt.location, channel=Channel.RECEIPT, receipt=receipt)


def open_receipt(code: str) -> ReceiptVisit:
    """What opening a receipt code shows: its survey, or the answer already given."""
    source = receipt_source(code)
    survey = survey_for(source.location.id, Channel.RECEIPT)
    if survey is None or survey.main_question is None:
        raise NoSurveyHere(source.location)
    return ReceiptVisit(source=source, survey=survey, answered=answer_to_receipt(source.receipt))


@dataclass(frozen=True)
class MintedReceipt:
    code: str
    url: str
    receipt: Receipt


def mint_receipt(
    location: Location,
    till: int,
    number: int,
    issued_at: datetime | None = None,
    staff_id: int | None = None,
    base_url: str | None = None,
) -> MintedReceipt:
    """A signed code for one receipt, as a till would print it; nothing is stored."""
    issued_at = (issued_at or utcnow()).replace(microsecond=0)
    errors = receipt_errors(location, till, number, issued_at, staff_id)
    if errors:
        raise SubmissionInvalid(errors)
    stamp = int(issued_at.replace(tzinfo=UTC).timestamp())
    fields = ReceiptFields(location.id, till, number, stamp, staff_id or 0)
    code = encode_code(fields, location.receipt_secret)
    receipt = Receipt(location, till, number, issued_at, staff_id)
    return MintedReceipt(code=code, url=receipt_url(code, base_url), receipt=receipt)


def receipt_errors(location, till, number, issued_at, staff_id) -> dict[str, str]:
    """{field: message} for values a receipt code cannot carry."""
    errors = {}
    if not is_count(till) or till > FIELD_LIMITS["till"]:
        errors["till"] = _("The till must be a number from 0 to %(max)d.", max=FIELD_LIMITS["till"])
    if not is_count(number) or number > FIELD_LIMITS["receipt_number"]:
        limit = FIELD_LIMITS["receipt_number"]
        errors["receipt_number"] = _("The receipt number must be from 0 to %(max)d.", max=limit)
    now = utcnow()
    # Counted back from now: a receipt dated near year 9999 must not overflow the calendar.
    too_old = issued_at < now - timedelta(days=location.receipt_valid_days)
    if too_old or issued_at > now + CLOCK_TOLERANCE_FUTURE:
        errors["issued_at"] = _("The receipt's time must be recent and not in the future.")
    if staff_id is not None and staff_id not in _staff_ids(location):
        errors["staff_id"] = _("This staff member does not work at this location.")
    if location.id > FIELD_LIMITS["location_id"]:
        errors["location"] = _("This location cannot sign receipt codes.")
    return errors


def is_count(value) -> bool:
    """A non-negative whole number, and not a JSON true or false."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _staff_ids(location: Location) -> set[int]:
    return set(db.session.scalars(select(Staff.id).where(Staff.location_id == location.id)))


def rotate_receipt_secret(location: Location) -> str:
    """A new signing secret: every code printed with the old one stops working, though it
    is still recognised as this location's."""
    retired = [location.receipt_secret, *location.retired_receipt_secrets]
    location.retired_receipt_secrets = retired[:RETIRED_SECRETS_KEPT]
    location.receipt_secret = new_signing_secret()
    return location.receipt_secret
