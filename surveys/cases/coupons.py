"""Coupons: issuing one as a remedy, and redeeming it exactly once."""

import re
import secrets
from datetime import timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update

from surveys.db import db
from surveys.errors import InvalidTransition, NotAllowed, SubmissionInvalid
from surveys.models import Alert, Coupon, EventKind, User, utcnow
from surveys.people.access import can_redeem_coupons, can_see_location
from surveys.people.audit import record_audit

# No 0/O or 1/I to misread; 12 characters of 32 are 60 random bits, far past guessing.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_GROUP = 4
DEFAULT_VALID_DAYS = 90
MAX_VALID_DAYS = 730
# The papers a coupon prints on: a postcard-sized A6 sheet or an 80 mm till receipt roll
# (static/css/coupon-<paper>.css holds each one's @page size).
PAPERS = ("a6", "receipt")
DEFAULT_PAPER = "a6"


def new_code() -> str:
    """A fresh random code, grouped for reading aloud: ABCD-EFGH-JKLM."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalize_code(typed: str) -> str | None:
    """A typed or scanned code in its printed form, or None when it cannot be one."""
    raw = re.sub(r"[\s-]", "", typed or "").upper()
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def issue_coupon(alert: Alert, by: User, value_cents: int, valid_days: int) -> Coupon:
    """A coupon for the case's customer, noted on the case's timeline."""
    coupon = Coupon(
        alert=alert,
        location_id=alert.location_id,
        code=new_code(),
        value_cents=value_cents,
        currency=alert.location.currency,
        issued_by_id=by.id,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(coupon)
    alert.add_event(
        EventKind.COUPON_ISSUED,
        by,
        code=coupon.code,
        value_cents=value_cents,
        currency=coupon.currency,
    )
    return coupon


def coupon_language(coupon: Coupon) -> str:
    """The language the coupon speaks: its customer's (the response's), else the shop's."""
    response = coupon.alert.response
    return response.language if response is not None else coupon.location.default_language


def redeem_coupon(typed_code: str, by: User, client_address: str | None = None) -> Coupon:
    """Mark the coupon redeemed; a second redemption, even a simultaneous one, is refused."""
    code = normalize_code(typed_code)
    coupon = db.session.scalar(select(Coupon).where(Coupon.code == code)) if code else None
    if coupon is None or not can_see_location(by, coupon.location_id):
        raise SubmissionInvalid({"code": _("No coupon has this code. Please check it.")})
    if not can_redeem_coupons(by, coupon.location):
        raise NotAllowed()
    now = utcnow()
    # One conditional UPDATE: of two redemptions racing, the database lets exactly one win.
    won = db.session.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.redeemed_at.is_(None), Coupon.expires_at > now)
        .values(redeemed_at=now, redeemed_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(coupon)
    if not won:
        raise InvalidTransition(_refusal(coupon))
    coupon.alert.add_event(EventKind.COUPON_REDEEMED, by, code=coupon.code)
    record_audit(
        "coupon.redeemed",
        actor=by,
        location_id=coupon.location_id,
        client_address=client_address,
        coupon_id=coupon.id,
    )
    return coupon


def _refusal(coupon: Coupon) -> str:
    """Why a coupon cannot be redeemed, with the date that says so."""
    if coupon.redeemed_at is not None:
        when = format_date(coupon.redeemed_at, "medium")
        return _("This coupon was already redeemed on %(date)s.", date=when)
    return _("This coupon expired on %(date)s.", date=format_date(coupon.expires_at, "medium"))
