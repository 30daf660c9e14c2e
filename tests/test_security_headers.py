"""Security headers on every page, HSTS over HTTPS only, and trusted reverse proxies."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.models import AuditEvent
from tests.admin.conftest import login
from wsgi import create_app

ROOT = Path(__file__).parent.parent
YEAR = 365 * 24 * 3600


@pytest.fixture
def proxied_app(database_uri):
    """The app told it stands behind one reverse proxy."""
    config = {"SQLALCHEMY_DATABASE_URI": database_uri, "TESTING": True, "SECRET_KEY": "s"}
    proxied = create_app({**config, "TRUSTED_PROXIES": 1})
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/kiosk/", "/admin/login", "/admin/", "/no/such/page"])
def test_every_html_page_forbids_inline_code_plugins_framing_and_foreign_forms(client, path):
    response = client.get(path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert policy["script-src"] == "script-src 'self'" and policy["style-src"] == "style-src 'self'"
    assert policy["object-src"] == "object-src 'none'" and policy["base-uri"] == "base-uri 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_devices_the_app_never_uses_are_denied_to_every_page(client):
    policy = client.get("/admin/login").headers["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in policy.split(","))
    for denied in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"):
        assert features[denied] == "()"
    assert features["autoplay"] == "(self)"  # the inbox's chime


def test_hsts_only_over_https_for_a_year_and_subdomains(client):
    assert "Strict-Transport-Security" not in client.get("/admin/login").headers
    hsts = client.get("/admin/login", base_url="https://localhost").headers
    value = hsts["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", value).group(1)) >= YEAR
    assert "includeSubDomains" in value


def failed_login_addresses(app) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.client_address).where(AuditEvent.action == "login.failed")
        return list(db.session.scalars(query))


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(app, client, shops):
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    login(client, "owner@shops.example", "not the password")
    assert failed_login_addresses(app) == ["127.0.0.1"]
    assert "Strict-Transport-Security" not in client.get("/admin/login", headers=FORWARDED).headers


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones(
    proxied_app,
):
    client = proxied_app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    login(client, "someone@shops.example", "not the password")
    assert failed_login_addresses(proxied_app) == ["203.0.113.9"]
    assert "Strict-Transport-Security" in client.get("/admin/login", headers=FORWARDED).headers


def test_the_number_of_trusted_proxies_comes_from_the_environment(database_uri, monkeypatch):
    monkeypatch.setenv("COUNTERPULSE_TRUSTED_PROXIES", "2")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "TESTING": True, "SECRET_KEY": "s"})
    assert app.config["TRUSTED_PROXIES"] == 2 and app.wsgi_app.x_for == 2


# A <script> either loads a file or holds JSON data (never run); nothing inline runs.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\s(?:src=|type=\"application/json\"))")


def test_templates_carry_no_inline_code_or_styles():
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"\shx-on|\son[a-z]+=|\sstyle=|javascript:", html), template
        assert not INLINE_SCRIPT.search(html), template


def test_htmx_talks_to_this_origin_only_and_runs_no_script_it_swaps_in(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert '"mode": "same-origin"' in html
    assert "/static/js/htmx-guard.js" in html
