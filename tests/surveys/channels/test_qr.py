"""QR codes read back by a real decoder (zxing-cpp): the PNG, and the SVG's modules."""

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest

from surveys.channels.posters import poster_url
from surveys.channels.qr import qr_matrix, qr_png, qr_svg, qr_version
from surveys.channels.receipts import mint_receipt
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import Location

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image) -> list[str]:
    """Every QR code the decoder finds in the image, as text."""
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules an SVG from qr_svg draws, read back from its path."""
    root = ElementTree.fromstring(svg)
    width = int(root.get("viewBox").split()[2])
    grid = [[False] * width for _ in range(width)]
    path = root.find(f"{SVG_NS}path").get("d")
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        for column in range(int(x), int(x) + int(run)):
            grid[int(y)][column] = True
    assert re.sub(r"M(\d+) (\d+)h(\d+)v1h-\3z", "", path) == ""  # nothing else in the path
    return grid


@pytest.fixture
def receipt_link(app, demo) -> str:
    with app.app_context():
        return mint_receipt(db.session.get(Location, demo.location_id), 3, 4815).url


@pytest.mark.parametrize("size", [64, 300, 1500])
def test_the_png_decodes_back_to_the_exact_link(app, receipt_link, size):
    with app.app_context():
        png = Image.open(io.BytesIO(qr_png(receipt_link, size, dpi=300)))
    assert png.size == (size, size) and tuple(map(round, png.info["dpi"])) == (300, 300)
    assert decode(png) == [receipt_link]


def test_the_poster_png_decodes_back_to_the_poster_link(app, demo):
    with app.app_context():
        link = poster_url(db.session.get(Location, demo.location_id))
        assert decode(Image.open(io.BytesIO(qr_png(link, 800)))) == [link]


def drawn(modules: list[list[bool]], scale: int = 8):
    """The modules drawn as a greyscale image, scale pixels each."""
    image = Image.new("L", (len(modules) * scale,) * 2, 255)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return image


def test_the_svg_is_well_formed_and_holds_the_same_symbol(app, receipt_link):
    svg = qr_svg(receipt_link, size=200)
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg" and root.get("width") == "200"
    modules = svg_modules(svg)
    assert modules == qr_matrix(receipt_link)
    assert decode(drawn(modules)) == [receipt_link]


def test_a_titled_svg_is_an_image_for_a_page_holding_the_same_symbol():
    coupon_code = "ABCD-EFGH-JKLM"
    svg = qr_svg(coupon_code, title='QR of <code> & "more"')
    assert svg.startswith('<svg class="qr" role="img" ') and "width=" not in svg.split(">")[0]
    root = ElementTree.fromstring(svg)
    assert root.find(f"{SVG_NS}title").text == 'QR of <code> & "more"'  # escaped, read back
    assert decode(drawn(svg_modules(svg))) == [coupon_code]


@pytest.mark.parametrize("size", [0, 63, 4097, -5, "12px", None, 1.5, True])
def test_sizes_out_of_range_are_refused(app, size):
    with app.app_context(), pytest.raises(SubmissionInvalid) as refused:
        qr_png("http://localhost/p/x", size)
    assert "qr_size" in refused.value.errors


@pytest.mark.parametrize(
    ("public_url", "version"), [("https://shop.example", 4), ("https://feedback.example.com", 5)]
)
def test_a_receipt_link_fits_a_small_qr_code(app, demo, public_url, version):
    app.config["PUBLIC_URL"] = public_url
    with app.app_context():
        link = mint_receipt(db.session.get(Location, demo.location_id), 1, 1).url
    assert qr_version(link) == version  # 17 + 4 x version modules across, at level M
