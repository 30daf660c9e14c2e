"""Coupons: the printable coupon and the till's redemption form."""

from flask import render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from admin import bp
from admin.guards import refuse, scoped_or_404
from admin.limits import download_limit
from admin.presentation import local_date, money, signed_in_user
from admin.rendering import render_page
from surveys.cases.coupons import DEFAULT_PAPER, PAPERS, coupon_language, redeem_coupon
from surveys.channels.qr import qr_svg
from surveys.db import db
from surveys.errors import NotAllowed, SubmissionError
from surveys.models import Coupon
from surveys.people.access import can_redeem_anywhere
from surveys.places.branding import brand_of


@bp.get("/coupons/<int:coupon_id>")
@download_limit
def coupon_detail(coupon_id: int):
    """The coupon to print and hand over: code, QR code, value, expiry, on A6 or on 80 mm
    receipt paper; its words in the customer's language, the page around it in the reader's."""
    coupon = scoped_or_404(Coupon, coupon_id)
    paper = request.args.get("paper", DEFAULT_PAPER)
    if paper not in PAPERS:
        paper = DEFAULT_PAPER
    language = coupon_language(coupon)
    return render_template(
        "admin/coupons/print.html",
        coupon=coupon,
        paper=paper,
        papers=PAPERS,
        words=_coupon_words(coupon, language),
        coupon_language=language,
        brand=brand_of(coupon.location),
    )


def _coupon_words(coupon: Coupon, language: str) -> dict:
    """What the coupon says, in the customer's language (the page around it speaks the
    reader's): its value, apology, validity, and the QR code's title."""
    location = coupon.location
    with force_locale(language):
        return {
            "value": _(
                "A coupon worth %(value)s", value=money(coupon.value_cents, coupon.currency)
            ),
            "sorry": _(
                "We are sorry your visit was not what it should have been. Please give us "
                "another chance."
            ),
            "valid": _(
                "Valid until %(date)s. Good for one use.",
                date=local_date(coupon.expires_at, location.timezone, "long"),
            ),
            "redeemed": _("Already redeemed."),
            "qr": qr_svg(
                coupon.code, title=_("QR code of the coupon code %(code)s", code=coupon.code)
            ),
        }


@bp.route("/coupons/redeem", methods=["GET", "POST"])
def coupons_redeem():
    """Type or scan a coupon's code at the till; it is accepted once."""
    if not can_redeem_anywhere(signed_in_user()):
        refuse(403)
    if request.method == "GET":
        return render_template("admin/coupons/redeem.html", result=None)
    try:
        coupon = redeem_coupon(request.form.get("code", ""), signed_in_user(), request.remote_addr)
    except NotAllowed:
        refuse(403)
    except SubmissionError as refused:
        db.session.rollback()
        return render_page(
            "admin/coupons/redeem.html",
            "admin/coupons/_result.html",
            refused.status,
            error=next(iter(refused.errors.values())),
            code=request.form.get("code", ""),
        )
    db.session.commit()
    return render_page("admin/coupons/redeem.html", "admin/coupons/_result.html", coupon=coupon)
