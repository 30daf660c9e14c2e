"""QR codes of receipt and poster links and coupons: SVG for print and pages, PNG in pixels.

qrcode and Pillow (about 4 MB) are imported when a code is first drawn, not by every worker
that serves kiosk taps."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from markupsafe import Markup

from surveys.errors import SubmissionInvalid
from surveys.numbers import whole_number

if TYPE_CHECKING:
    import qrcode

QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks
MIN_PNG_SIZE = 64
MAX_PNG_SIZE = 4096
QR_FORMATS = ("svg", "png", "none")

# Markup.format escapes every value that is not Markup itself, a title included.
SVG = Markup(
    '<svg{image} xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {modules} {modules}"'
    '{dimensions} shape-rendering="crispEdges">{title}'
    '<rect width="{modules}" height="{modules}" fill="#fff"/>'
    '<path fill="#000" d="{path}"/></svg>'
)
SVG_DIMENSIONS = Markup(' width="{0}" height="{0}"')
# Shown inline in a page, the symbol is an image screen readers name; CSS sizes it by class.
SVG_IMAGE = Markup(' class="qr" role="img"')
SVG_TITLE = Markup("<title>{}</title>")


def _symbol(data: str) -> qrcode.QRCode:
    import qrcode

    # M restores up to 15% of the symbol: enough for a creased or smudged thermal receipt.
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    symbol.add_data(data)
    symbol.make(fit=True)
    return symbol


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the symbol, quiet zone included; True is dark."""
    return _symbol(data).get_matrix()


def qr_version(data: str) -> int:
    """The QR version (1-40) the data needs; the symbol is 17 + 4 x version modules wide."""
    return _symbol(data).version


def _dark_runs(matrix: list[list[bool]]) -> str:
    """SVG path data drawing each row's runs of dark modules as one rectangle."""
    modules = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < modules:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < modules and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(runs)


def qr_svg(data: str, size: int | None = None, title: str | None = None) -> Markup:
    """The symbol as SVG, scaling to its box unless sized in px; a title makes it an image."""
    matrix = qr_matrix(data)
    return SVG.format(
        image=SVG_IMAGE if title else "",
        title=SVG_TITLE.format(title) if title else "",
        dimensions=SVG_DIMENSIONS.format(size) if size else "",
        modules=len(matrix),
        path=_dark_runs(matrix),
    )


def check_png_size(size) -> int:
    """The PNG width asked for, as an int in range; SubmissionInvalid otherwise."""
    if isinstance(size, str):
        size = whole_number(size)
    if not isinstance(size, int) or isinstance(size, bool):
        size = -1
    if not MIN_PNG_SIZE <= size <= MAX_PNG_SIZE:
        message = _(
            "The QR size must be between %(min)d and %(max)d pixels.",
            min=MIN_PNG_SIZE,
            max=MAX_PNG_SIZE,
        )
        raise SubmissionInvalid({"qr_size": message})
    return size


def qr_png(data: str, size: int, dpi: int | None = None) -> bytes:
    """A square PNG exactly size pixels wide; whole pixels per module, the rest quiet zone."""
    from PIL import Image

    size = check_png_size(size)
    matrix = qr_matrix(data)
    modules = len(matrix)
    scale = size // modules
    if scale < 1:
        raise SubmissionInvalid({"qr_size": _("The QR size is too small for this link.")})
    symbol = Image.new("1", (modules, modules), 1)
    symbol.putdata([0 if dark else 1 for row in matrix for dark in row])
    symbol = symbol.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    canvas = Image.new("1", (size, size), 1)
    offset = (size - modules * scale) // 2
    canvas.paste(symbol, (offset, offset))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()
