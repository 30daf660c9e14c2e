"""The command line for receipts, API keys and posters, and demo --json's new links."""

import json
import re

from flask_migrate import upgrade
from sqlalchemy import text

from surveys.channels.receipts import verify_receipt_code
from surveys.db import db
from tests.conftest import TEST_DATABASE_URL, _postgres_url_for_worker
from wsgi import create_app

LOCAL = "http://localhost"


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_demo_json_adds_a_fresh_receipt_link_and_the_poster_link(app):
    printed = json.loads(run(app, "demo", "--json"))
    again = json.loads(run(app, "demo", "--json"))
    assert printed["receipt_url"].startswith(f"{LOCAL}/r/")
    assert printed["receipt_url"] != again["receipt_url"]
    assert printed["poster_url"] == again["poster_url"]
    assert printed["poster_url"].startswith(f"{LOCAL}/p/")
    client = app.test_client()
    for key in ("receipt_url", "poster_url"):
        page = client.get(printed[key].removeprefix(LOCAL))
        assert page.status_code == 200 and 'name="rating"' in page.get_data(as_text=True)
    assert printed["poster_page_url"] == f"{LOCAL}/admin/locations/1/poster"


def test_mint_writes_a_printable_sheet_of_working_codes(app, demo, tmp_path):
    sheet = tmp_path / "till-3.html"
    args = ["--location", str(demo.location_id), "--till", "3", "--first-number", "100"]
    printed = run(app, "receipts", "mint", *args, "--count", "5", "--output", str(sheet))
    assert "5 receipt codes" in printed and "36 characters" in printed
    html = sheet.read_text(encoding="utf-8")
    assert html.count("<svg") == 5 and "@page" in html
    urls = re.findall(r'<div class="url">([^<]+)</div>', html)
    with app.app_context():
        numbers = [verify_receipt_code(url.rsplit("/", 1)[1]).number for url in urls]
    assert numbers == [100, 101, 102, 103, 104]


def test_mint_refuses_what_a_code_cannot_carry(app, demo, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["receipts", "mint", "--location", str(demo.location_id), "--till", "70000"]
        + ["--output", str(tmp_path / "x.html")]
    )
    assert result.exit_code != 0 and "till" in result.output
    assert not (tmp_path / "x.html").exists()


def test_the_secret_is_shown_and_rotating_it_voids_old_codes(app, demo):
    secret = run(app, "receipts", "secret", str(demo.location_id)).strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    receipt = json.loads(run(app, "demo", "--json"))["receipt_url"].removeprefix(LOCAL)
    assert run(app, "receipts", "secret", str(demo.location_id), "--rotate").strip() != secret
    voided = app.test_client().get(receipt)  # still known as the shop's, but opens nothing
    assert voided.status_code == 410 and "This code no longer works." in voided.get_data(True)


def test_an_api_key_is_shown_once_works_and_can_be_revoked(app, demo):
    printed = run(app, "api-keys", "create", "--location", str(demo.location_id), "--name", "T1")
    key = printed.strip().splitlines()[-1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    body = {"till": 1, "receipt_number": 1, "qr": "none"}
    assert client.post("/api/v1/receipts", json=body, headers=headers).status_code == 201
    assert "\tT1\t" in run(app, "api-keys", "list") and key not in run(app, "api-keys", "list")
    run(app, "api-keys", "revoke", "1")
    assert "revoked" in run(app, "api-keys", "list")
    assert client.post("/api/v1/receipts", json=body, headers=headers).status_code == 401


def test_posters_url_prints_the_link_and_the_printable_page(app, demo):
    printed = run(app, "posters", "url", str(demo.location_id))
    assert f"{LOCAL}/p/" in printed and f"{LOCAL}/admin/locations/1/poster" in printed


def test_the_migration_gives_each_existing_location_its_own_secret(tmp_path, worker_id):
    if TEST_DATABASE_URL:
        uri = _postgres_url_for_worker(f"{worker_id}_migration")
    else:
        uri = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade(revision="0002")
        for name in ("North", "South"):
            db.session.execute(
                text(
                    "INSERT INTO location (name, timezone, default_language, languages,"
                    " response_interval_seconds, idle_timeout_seconds, thank_you_seconds,"
                    " manager_on_duty, created_at)"
                    " VALUES (:name, 'UTC', 'en', '[\"en\"]', 5, 30, 6, false, '2026-01-01')"
                ),
                {"name": name},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT receipt_secret, receipt_valid_days FROM location")
        ).all()
        db.session.remove()
        db.engine.dispose()
    secrets = [secret for secret, _days in rows]
    assert len(set(secrets)) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets)
    assert [days for _secret, days in rows] == [30, 30]
