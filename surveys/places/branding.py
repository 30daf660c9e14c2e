"""A location's branding: the name, logo and accent colour its kiosk and link pages show.

Logos are decoded with Pillow, limited to plain raster formats (never SVG, which can carry
script, nor formats Pillow hands to outside programs), and stored re-encoded as a PNG the
server wrote itself; the uploaded bytes are never served. The accent colour carries white
button text, so it must reach WCAG AA contrast (4.5:1) against white.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import load_only

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, LocationBrand

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4096 * 4096
LOGO_BOX = (512, 512)
LOGO_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
MAX_NAME_LENGTH = 120
ACCENT_PATTERN = re.compile(r"^#[0-9a-f]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
WHITE_LUMINANCE = 1.0


@dataclass(frozen=True)
class Brand:
    """What the kiosk pages need of a location's branding."""

    location_id: int
    name: str
    accent_color: str | None
    logo_digest: str | None

    @property
    def version(self) -> str:
        """Changes whenever the stylesheet or logo does, for cache-busting URLs."""
        return hashlib.sha256(f"{self.accent_color}{self.logo_digest}".encode()).hexdigest()[:12]


# What a page needs of the branding, without the logo's bytes.
_BRAND_OF = (
    select(LocationBrand)
    .options(
        load_only(LocationBrand.display_name, LocationBrand.accent_color, LocationBrand.logo_digest)
    )
    .where(LocationBrand.location_id == bindparam("location_id"))
)


def brand_of(location: Location) -> Brand:
    """The location's branding, or the house look with its own name."""
    if "brand" in inspect(location).unloaded:
        row = db.session.scalar(_BRAND_OF, {"location_id": location.id})
    else:
        row = location.brand
    if row is None:
        return Brand(location.id, location.name, None, None)
    return Brand(location.id, row.display_name or location.name, row.accent_color, row.logo_digest)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white text on this colour."""
    return (WHITE_LUMINANCE + 0.05) / (relative_luminance(colour) + 0.05)


def stylesheet(location_id: int) -> str:
    """The location's accent as CSS for its pages; empty for the house colour."""
    row = db.session.get(LocationBrand, location_id)
    if row is None or not row.accent_color or not ACCENT_PATTERN.match(row.accent_color):
        return ""
    return f'[data-brand="{location_id}"] {{ --accent: {row.accent_color}; }}\n'


def logo_png(location_id: int) -> bytes | None:
    """The stored logo, a PNG the server encoded."""
    row = db.session.get(LocationBrand, location_id)
    return row.logo_png if row is not None else None


def _clean_accent(value: str, errors: dict[str, str]) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    if not ACCENT_PATTERN.match(value):
        errors["accent_color"] = _("Please give the colour as # and six hex digits, e.g. #0b5cad.")
        return None
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        errors["accent_color"] = _(
            "White text on this colour is hard to read (contrast %(ratio)s:1; at least "
            "4.5:1 is needed). Please choose a darker colour.",
            ratio=format_decimal(ratio, "0.0"),
        )
    return value


def _reencoded_logo(data: bytes, errors: dict[str, str]) -> bytes | None:
    """The upload decoded and written again as a PNG that fits the logo box, or an error."""
    from PIL import Image  # here: a kiosk worker never decodes a logo

    if len(data) > MAX_LOGO_BYTES:
        errors["logo"] = _("The logo may be at most 512 KB.")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=LOGO_FORMATS) as probe:
                too_big = probe.width * probe.height > MAX_LOGO_PIXELS
                probe.verify()
            if too_big:
                errors["logo"] = _("The logo may be at most 4096 by 4096 pixels.")
                return None
            with Image.open(BytesIO(data), formats=LOGO_FORMATS) as image:
                picture = image.convert("RGBA")
    except Exception:  # Pillow raises many kinds of error (and warnings, made errors) on bad files
        errors["logo"] = _("This file is not a PNG, JPEG, GIF or WebP image.")
        return None
    picture.thumbnail(LOGO_BOX)
    output = BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()


def update_brand(
    location: Location,
    display_name: str,
    accent_color: str,
    logo: bytes | None,
    remove_logo: bool,
) -> LocationBrand:
    """Check everything, then store it; on any error nothing changes (SubmissionInvalid)."""
    errors: dict[str, str] = {}
    name = display_name.strip()
    if len(name) > MAX_NAME_LENGTH:
        errors["display_name"] = _(
            "Please keep it under %(limit)d characters.", limit=MAX_NAME_LENGTH
        )
    accent = _clean_accent(accent_color, errors)
    png = _reencoded_logo(logo, errors) if logo else None
    if errors:
        raise SubmissionInvalid(errors)
    row = db.session.get(LocationBrand, location.id) or LocationBrand(location_id=location.id)
    row.display_name = name or None
    row.accent_color = accent
    if png is not None:
        row.logo_png, row.logo_digest = png, hashlib.sha256(png).hexdigest()
    elif remove_logo:
        row.logo_png = row.logo_digest = None
    db.session.add(row)
    db.session.flush()
    return row
