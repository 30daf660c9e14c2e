"""Branding checks: accent contrast against white text, and logos that are really images."""

from io import BytesIO

import pytest
from PIL import Image

from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location, LocationBrand
from surveys.places.branding import (
    MAX_LOGO_BYTES,
    brand_of,
    contrast_with_white,
    stylesheet,
    update_brand,
)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def image_bytes(size=(64, 32), format="PNG", colour=(200, 30, 30)) -> bytes:
    output = BytesIO()
    Image.new("RGB", size, colour).save(output, format=format)
    return output.getvalue()


@pytest.fixture
def location(app, demo):
    with app.test_request_context():
        yield db.session.get(Location, demo.location_id)


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#ffffff", 1.0), ("#000000", 21.0), ("#0b5cad", 6.6), ("#767676", 4.54)],
)
def test_contrast_with_white_follows_wcag(colour, ratio):
    assert contrast_with_white(colour) == pytest.approx(ratio, abs=0.01 if ratio < 5 else 0.1)


def test_a_dark_accent_and_a_logo_are_stored_and_served(location):
    update_brand(location, "  Café Noor ", "#0B5CAD", image_bytes((2000, 1000), "JPEG"), False)
    brand = brand_of(location)
    assert (brand.name, brand.accent_color) == ("Café Noor", "#0b5cad")
    stored = db.session.get(LocationBrand, location.id).logo_png
    with Image.open(BytesIO(stored)) as logo:
        assert logo.format == "PNG" and max(logo.size) == 512  # re-encoded, fitted
    assert stylesheet(location.id) == f'[data-brand="{location.id}"] {{ --accent: #0b5cad; }}\n'


@pytest.mark.parametrize(
    ("accent", "message"),
    [
        ("#ffeb3b", "hard to read (contrast 1.2:1"),
        ("#888888", "hard to read (contrast 3.5:1"),
        ("red", "six hex digits"),
        ("#0b5cad; } body { display: none", "six hex digits"),
    ],
)
def test_unreadable_or_malformed_accents_are_refused(location, accent, message):
    with pytest.raises(SubmissionInvalid) as refused:
        update_brand(location, "", accent, None, False)
    assert message in refused.value.errors["accent_color"]
    assert db.session.get(LocationBrand, location.id) is None


@pytest.mark.parametrize(
    "upload",
    [
        SVG,
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,  # a PNG signature and nothing valid behind it
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # never handed to Ghostscript
        image_bytes(format="BMP"),
    ],
)
def test_what_is_not_a_plain_raster_image_is_refused(location, upload):
    with pytest.raises(SubmissionInvalid) as refused:
        update_brand(location, "New name", "#0b5cad", upload, False)
    assert "not a PNG, JPEG, GIF or WebP image" in refused.value.errors["logo"]
    assert db.session.get(LocationBrand, location.id) is None  # the name was not kept either


def test_a_logo_over_512_kb_is_refused(location):
    noise = Image.effect_noise((700, 700), 100).convert("RGB")
    output = BytesIO()
    noise.save(output, format="PNG")
    assert len(output.getvalue()) > MAX_LOGO_BYTES
    with pytest.raises(SubmissionInvalid) as refused:
        update_brand(location, "", "", output.getvalue(), False)
    assert refused.value.errors == {"logo": "The logo may be at most 512 KB."}


def test_a_logo_can_be_removed(location):
    update_brand(location, "", "", image_bytes(), False)
    update_brand(location, "", "", None, remove_logo=True)
    assert brand_of(location).logo_digest is None
    assert brand_of(location).name == location.name
