"""Coupons without HTTP: codes, QR, redeeming once, expiry, other locations."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.cases.coupons import (
    issue_coupon,
    new_code,
    normalize_code,
    redeem_coupon,
)
from surveys.channels.qr import qr_svg
from surveys.db import db
from surveys.errors import InvalidTransition, NotAllowed, SubmissionInvalid
from surveys.models import AuditEvent, EventKind, utcnow
from tests.case_factories import make_alert


@pytest.fixture
def coupon(people):
    """A 5.00 coupon issued on a case at the demo shop."""
    alert = make_alert(people.shop)
    coupon = issue_coupon(alert, people.manager, value_cents=500, valid_days=30)
    db.session.commit()
    return coupon


def test_codes_are_random_readable_and_unique():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(
        re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", c) for c in codes
    )


def test_a_typed_code_is_read_leniently_and_nonsense_is_not():
    assert normalize_code(" abcd efgh-jk lm ") == "ABCD-EFGH-JKLM"
    for nonsense in ("", "ABCD-EFGH", "ABCD-EFGH-JKL0", "ABCD-EFGH-JKLMN", "'; DROP TABLE"):
        assert normalize_code(nonsense) is None


def test_the_qr_code_is_an_accessible_inline_svg_without_inline_style(coupon):
    svg = str(qr_svg(coupon.code, title="QR of <code>"))
    assert svg.startswith('<svg class="qr" role="img"') and "<path" in svg
    assert "<title>QR of &lt;code&gt;</title>" in svg
    assert "style=" not in svg and "width=" not in svg.split(">")[0]


def test_a_coupon_is_redeemed_once(people, coupon):
    people.shop.staff_may_redeem_coupons = True
    redeemed = redeem_coupon(coupon.code.lower().replace("-", " "), people.staff, "198.51.100.7")
    db.session.commit()
    assert redeemed.redeemed_by == people.staff and redeemed.redeemed_at is not None
    assert coupon.alert.events[-1].kind == EventKind.COUPON_REDEEMED
    audit = db.session.scalars(select(AuditEvent)).one()
    assert (audit.action, audit.client_address) == ("coupon.redeemed", "198.51.100.7")
    with pytest.raises(InvalidTransition) as again:
        redeem_coupon(coupon.code, people.manager)
    assert "already redeemed" in again.value.errors["status"]


def test_an_expired_coupon_is_refused(people, coupon):
    coupon.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(InvalidTransition) as refused:
        redeem_coupon(coupon.code, people.manager)
    assert "expired" in refused.value.errors["status"]
    assert coupon.redeemed_at is None


def test_unknown_codes_and_other_locations_coupons_are_not_found(people, coupon):
    for user, code in [(people.manager, "ABCD-EFGH-JKLM"), (people.other_manager, coupon.code)]:
        with pytest.raises(SubmissionInvalid) as refused:
            redeem_coupon(code, user)
        assert refused.value.errors == {"code": "No coupon has this code. Please check it."}
    assert coupon.redeemed_at is None


def test_staff_may_not_redeem_where_the_manager_has_not_allowed_it(people, coupon):
    with pytest.raises(NotAllowed):
        redeem_coupon(coupon.code, people.staff)
    db.session.rollback()
    assert db.session.get(type(coupon), coupon.id).redeemed_at is None
