"""Coupons: the printable coupon and the till's redemption form."""

from flask import render_template, request
from flask_babel import gettext as _

from admin import bp
from admin.guards import refuse, scoped_or_404
from admin.limits import download_limit
from admin.presentation import signed_in_user
from admin.rendering import render_page
from surveys.cases.coupons import redeem_coupon
from surveys.channels.qr import qr_svg
from surveys.db import db
from surveys.errors import NotAllowed, SubmissionError
from surveys.models import Coupon
from surveys.people.access import can_redeem_anywhere


@bp.get("/coupons/<int:coupon_id>")
@download_limit
def coupon_detail(coupon_id: int):
    """The coupon to print and hand over: code, QR code, value, expiry."""
    coupon = scoped_or_404(Coupon, coupon_id)
    qr = qr_svg(coupon.code, title=_("QR code of the coupon code %(code)s", code=coupon.code))
    return render_template("admin/coupons/print.html", coupon=coupon, qr=qr)


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
