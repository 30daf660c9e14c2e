"""A location's look for its customer pages: the accent stylesheet and the logo.

Served without a device cookie, since phones on the link survey need them too. The CSP
forbids inline styles, so the accent colour arrives as a tiny stylesheet of its own.
"""

from flask import abort, make_response

from kiosk import bp
from surveys.places.branding import logo_png, stylesheet

# The URLs carry a version that changes with the branding, so they may be cached long.
CACHE_FOR = "public, max-age=86400"


@bp.get("/brand/<int:location_id>.css")
def brand_stylesheet(location_id: int):
    """The location's accent colour as a CSS custom property."""
    response = make_response(stylesheet(location_id))
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = CACHE_FOR
    return response


@bp.get("/brand/<int:location_id>/logo.png")
def brand_logo(location_id: int):
    """The location's logo: always a PNG the server encoded, never the uploaded bytes."""
    png = logo_png(location_id)
    if png is None:
        abort(404)
    response = make_response(png)
    response.mimetype = "image/png"
    response.headers["Content-Disposition"] = 'inline; filename="logo.png"'
    response.headers["Cache-Control"] = CACHE_FOR
    return response
