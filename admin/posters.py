"""Posters and table tents: a location's survey link as a QR code, ready to print."""

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.guards import location_or_404
from admin.limits import download_limit
from surveys.channels.posters import poster_invitations, poster_url
from surveys.channels.qr import qr_png, qr_svg
from surveys.errors import SubmissionInvalid
from surveys.languages import text_direction

FORMATS = {"a4": _l("A4 poster"), "a6": _l("A6 table tent")}
PRINT_DPI = 300
DEFAULT_PNG_SIZE = 1500  # 12.7 cm at 300 dpi: a poster's QR code


@bp.get("/locations/<int:location_id>/poster")
def poster_show(location_id: int):
    """The printable poster (A4) or table tent (A6) with the QR code and the invitation."""
    location = location_or_404(location_id)
    size = request.args.get("format", "a4")
    if size not in FORMATS:
        abort(404)  # no such print format: nothing refused, nothing to audit
    return render_template(
        "admin/posters/poster.html",
        location=location,
        size=size,
        formats=FORMATS,
        png_size=DEFAULT_PNG_SIZE,
        link=poster_url(location),
        invitations=poster_invitations(location),
        direction_of=text_direction,
    )


@bp.get("/locations/<int:location_id>/poster.svg")
@download_limit
def poster_svg(location_id: int):
    """The poster's QR code as SVG: sharp at any print size."""
    location = location_or_404(location_id)
    return Response(qr_svg(poster_url(location)), mimetype="image/svg+xml")


@bp.get("/locations/<int:location_id>/poster.png")
@download_limit
def poster_png(location_id: int):
    """The poster's QR code as a PNG at print resolution; ?size= in pixels."""
    location = location_or_404(location_id)
    try:
        image = qr_png(poster_url(location), request.args.get("size", DEFAULT_PNG_SIZE), PRINT_DPI)
    except SubmissionInvalid as invalid:
        return Response(invalid.errors["qr_size"], 400, mimetype="text/plain")
    return Response(image, mimetype="image/png")
