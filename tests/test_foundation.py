"""The application's foundation: configuration, secret key, schema, headers, vendored files."""

import hashlib
import json
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from surveys.db import db, modelled
from wsgi import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": modelled})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context(), db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # SQLITE_BUSY_TIMEOUT_SECONDS, 5 by default: a writer waits that long at most.
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_missing_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COUNTERPULSE_SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/shop")
    monkeypatch.setenv("COUNTERPULSE_SECRET_KEY", "shared-by-every-host")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://postgres@127.0.0.1:5432/shop"


def test_every_page_carries_a_strict_content_security_policy(kiosk):
    policy = kiosk.get("/kiosk/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_vendored_htmx_matches_its_recorded_checksum():
    readme = (ROOT / "static/vendor/README.md").read_text()
    recorded = re.search(r"`htmx-4\.0\.1\.min\.js`.*`([0-9a-f]{64})`", readme).group(1)
    actual = hashlib.sha256((ROOT / "static/vendor/htmx-4.0.1.min.js").read_bytes()).hexdigest()
    assert actual == recorded


def test_vendored_chart_js_matches_its_recorded_checksum():
    readme = (ROOT / "static/vendor/README.md").read_text()
    recorded = re.search(r"`chart-4\.6\.1\.umd\.min\.js`.*`([0-9a-f]{64})`", readme).group(1)
    path = ROOT / "static/vendor/chart-4.6.1.umd.min.js"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded


def _read(reader, path: Path):
    with path.open("rb") as handle:
        return reader(handle)


def test_catalogs_are_complete_and_compiled(tmp_path):
    """Every string in the code today is translated, and the .mo files match the .po files."""
    fresh = tmp_path / "messages.pot"
    extract = ["pybabel", "-q", "extract", "-F", str(ROOT / "translations/babel.cfg")]
    keywords = ["-k", "_l", "-k", "lazy_gettext", "-o", str(fresh), str(ROOT)]
    CommandLineInterface().run(extract + keywords)
    template = {m.id for m in _read(read_po, fresh) if m.id}
    for language in ["hy", "hi", "az", "sq", "fa"]:
        folder = ROOT / "translations" / language / "LC_MESSAGES"
        catalog = _read(read_po, folder / "messages.po")
        translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert template <= translated, f"{language} misses {sorted(template - translated)[:5]}"
        compiled = _read(read_mo, folder / "messages.mo")
        assert {m.id: m.string for m in compiled if m.id} == {
            m.id: m.string for m in catalog if m.id
        }, f"{language}: run pybabel compile -d translations"


def test_demo_json_prints_urls_and_a_one_time_password(app):
    result = app.test_cli_runner().invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["kiosk_url"].startswith("http://localhost/kiosk/pair/")
    assert printed["admin_url"] == "http://localhost/admin/"
    assert printed["admin_email"] and len(printed["admin_password"]) >= 12
    again = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).stdout)
    assert again["admin_password"] != printed["admin_password"]
    assert again["kiosk_url"] != printed["kiosk_url"]


def test_cli_adds_a_location_pairs_and_revokes_a_device(app):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "locations",
            "add",
            "Main street",
            "--timezone",
            "Europe/Tirane",
            "--languages",
            "sq,en",
            "--default-language",
            "sq",
        ]
    )
    assert added.exit_code == 0 and "Location 1: Main street" in added.stdout
    paired = runner.invoke(args=["devices", "pair", "--location", "1", "--name", "Till 1"])
    link = paired.stdout.strip().splitlines()[-1]
    assert link.startswith("http://localhost/kiosk/pair/")
    client = app.test_client()
    assert client.post(link.removeprefix("http://localhost")).status_code == 303
    assert client.get("/kiosk/").status_code == 404  # paired, but no survey assigned yet
    assert runner.invoke(args=["devices", "revoke", "1"]).exit_code == 0
    assert client.get("/kiosk/").status_code == 403


def test_cli_refuses_an_unknown_time_zone(app):
    result = app.test_cli_runner().invoke(
        args=["locations", "add", "X", "--timezone", "Mars/Olympus"]
    )
    assert result.exit_code != 0 and "Unknown time zone" in result.output
