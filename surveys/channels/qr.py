"""QR codes for receipt and poster links: SVG for print, PNG at a chosen size in pixels."""

import io

import qrcode
from flask_babel import gettext as _
from PIL import Image

from surveys.errors import SubmissionInvalid
from surveys.numbers import whole_number

# M restores up to 15% of the symbol: enough for a creased or smudged thermal receipt.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks
MIN_PNG_SIZE = 64
MAX_PNG_SIZE = 4096
QR_FORMATS = ("svg", "png", "none")


def _symbol(data: str) -> qrcode.QRCode:
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    symbol.add_data(data)
    symbol.make(fit=True)
    return symbol


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the symbol, quiet zone included; True is dark."""
    return _symbol(data).get_matrix()


def qr_version(data: str) -> int:
    """The QR version (1-40) the data needs; the symbol is 17 + 4 x version modules wide."""
    return _symbol(data).version


def qr_svg(data: str, size: int | None = None) -> str:
    """An SVG of the symbol: one path of dark runs; scales to its box unless sized in px."""
    matrix = qr_matrix(data)
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
    dimensions = f' width="{size}" height="{size}"' if size else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {modules} {modules}"'
        f'{dimensions} shape-rendering="crispEdges">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
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
