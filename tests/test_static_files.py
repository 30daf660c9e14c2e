"""Static files over HTTP: compressed when asked, cached by what their URL says, still guarded."""

import gzip
from pathlib import Path

import brotli
import pytest

from surveys.db import db
from wsgi import create_app

ROOT = Path(__file__).parent.parent
HTMX = "/static/vendor/htmx-4.0.1.min.js"
GZIP = {"Accept-Encoding": "gzip, deflate"}  # what Chromium offers over plain HTTP
GZIP_BR = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # and over HTTPS


def versioned(app, path: str) -> str:
    return f"{path}?v={app.config['KIOSK_VERSION']}"


def test_a_versioned_script_comes_gzipped_and_immutable_for_a_year(app, client):
    response = client.get(versioned(app, HTMX), headers=GZIP)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert gzip.decompress(response.data) == (ROOT / "static" / HTMX[8:]).read_bytes()


def test_brotli_when_the_browser_offers_it_and_plain_when_it_offers_nothing(app, client):
    packed = client.get(versioned(app, "/static/css/app.css"), headers=GZIP_BR)
    assert packed.headers["Content-Encoding"] == "br"
    source = (ROOT / "static/css/app.css").read_bytes()
    assert brotli.decompress(packed.data) == source
    plain = client.get(versioned(app, "/static/css/app.css"))
    assert "Content-Encoding" not in plain.headers and plain.data == source


def test_an_unversioned_file_or_an_old_release_is_kept_a_minute_only(app, client):
    assert client.get("/static/js/link.js").headers["Cache-Control"] == "max-age=60, public"
    stale = client.get(f"{HTMX}?v=0123456789abcdef", headers=GZIP)
    assert stale.headers["Cache-Control"] == "max-age=60, public"  # not the bytes it named


def test_the_service_worker_is_never_kept(app, client):
    assert client.get("/kiosk/sw.js").headers["Cache-Control"] == "no-cache"
    for path in ("/static/js/sw.js", versioned(app, "/static/js/sw.js")):
        assert client.get(path, headers=GZIP).headers["Cache-Control"] == "no-cache"


def test_static_files_keep_the_security_headers_and_name_the_release(app, client):
    response = client.get(versioned(app, HTMX), headers=GZIP)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Kiosk-Version"] == app.config["KIOSK_VERSION"]
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get(HTMX, base_url="https://localhost")
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]


def test_a_missing_static_file_is_a_404_with_the_security_headers(client):
    response = client.get("/static/js/no-such-file.js", headers=GZIP)
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/../wsgi.py").status_code == 404


def test_a_conditional_request_for_an_unchanged_file_is_304(app, client):
    first = client.get(versioned(app, HTMX), headers=GZIP)
    again = client.get(
        versioned(app, HTMX), headers={**GZIP, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


@pytest.fixture
def debug_app(database_uri):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_uri, "TESTING": True, "SECRET_KEY": "s", "DEBUG": True}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_debug_server_serves_the_files_as_they_are_on_disk(debug_app):
    response = debug_app.test_client().get(HTMX, headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    response.close()
