"""The tablet's start page and service worker come compressed; pages with tokens never do."""

import gzip

import brotli
import pytest

from tests.case_factories import sign_in

GZIP = {"Accept-Encoding": "gzip, deflate"}
BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.mark.parametrize("path", ["/kiosk/", "/kiosk/sw.js"])
def test_the_tablets_start_files_come_gzipped_and_read_the_same(kiosk, path):
    plain = kiosk.get(path)
    packed = kiosk.get(path, headers=GZIP)
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    unpacked = gzip.decompress(packed.data)
    assert unpacked.startswith(plain.data[:200]) and len(unpacked) == len(plain.data)


def test_the_start_page_keeps_its_other_vary_and_no_store(kiosk):
    packed = kiosk.get("/kiosk/", headers=BROTLI)
    assert packed.headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(packed.data)
    vary = {part.strip() for part in packed.headers["Vary"].split(",")}
    assert {"HX-Request-Type", "Cookie", "Accept-Encoding"} <= vary
    assert packed.headers["Cache-Control"] == "no-store"


def test_pages_with_tokens_are_never_compressed(app, client, kiosk, demo):
    """Admin pages carry CSRF tokens and echo searches: compressing them would leak (BREACH)."""
    assert "Content-Encoding" not in client.get("/admin/login", headers=BROTLI).headers
    sign_in(client, demo.owner_email, demo.owner_password)
    inbox = client.get("/admin/?status=new", headers=BROTLI)
    assert inbox.status_code == 200 and "Content-Encoding" not in inbox.headers
    tap = kiosk.post("/kiosk/responses", data={"rating": "x"}, headers=BROTLI)
    assert "Content-Encoding" not in tap.headers
