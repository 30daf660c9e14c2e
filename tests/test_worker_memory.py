"""What a serving worker keeps in memory: the heavy libraries that only a rare page or
command needs are not loaded by a kiosk tap or an admin page, nor is Babel's CLDR data by
the kiosk (each would cost every gunicorn worker megabytes of its 80 MB, docs/performance.md).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from babel import Locale

from surveys.languages import SUPPORTED_LANGUAGES, text_direction
from tests.conftest import shared_state_env
from tests.log_capture import scan_output

ROOT = Path(__file__).resolve().parent.parent

# Loaded where they are used, never by a worker at start-up. Megabytes per worker, measured.
LAZY = {
    "alembic": "Flask-Migrate's migrations, 10 MB: the flask command",
    "pywebpush": "Web Push delivery and its aiohttp: the outbox",
    "py_vapid": "the VAPID key: the account page and push delivery",
    "cryptography.hazmat": "7 MB: the account page and push delivery",
    "qrcode": "4 MB with Pillow: poster and receipt codes",
    "PIL": "Pillow: a logo upload, a QR code",
}
# Loaded by a SQLite app only (its driver), never by a PostgreSQL worker.
LAZY_ON_POSTGRESQL = {
    "sqlite3": "1 MB: the SQLite driver, the rate-limit file and `flask backup`",
}

# As gunicorn's worker does: import wsgi, whose `app` is built from the environment.
WORKER = """
import json, re, sys
import babel.localedata
import wsgi

def tap(client):
    start = client.get("/kiosk/?lang=en")
    response_id = re.search(r'name="response_id" value="([0-9a-f-]{36})"', start.text).group(1)
    question = re.search(r'name="question" value="(\\d+)"', start.text).group(1)
    form = {"response_id": response_id, "question": question, "rating": "1", "language": "en"}
    tapped = client.post("/kiosk/responses", data=form, headers={"HX-Request-Type": "partial"})
    return start.status_code, tapped.status_code

def sign_in_and_open_the_dashboard(client, email, password):
    login = client.get("/admin/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    form = {"email": email, "password": password, "csrf_token": token}
    signed_in = client.post("/admin/login", data=form)
    return signed_in.status_code, client.get("/admin/").status_code

code, email, password = sys.argv[1:]
kiosk = wsgi.app.test_client()
statuses = [kiosk.post(f"/kiosk/pair/{code}").status_code, *tap(kiosk)]
cldr_after_kiosk = sorted(babel.localedata._cache)  # the locales whose CLDR data was read
statuses += sign_in_and_open_the_dashboard(wsgi.app.test_client(), email, password)
print(json.dumps({"statuses": statuses, "cldr": cldr_after_kiosk, "modules": list(sys.modules)}))
"""


def serve_as_a_worker(database_uri: str, demo) -> dict:
    """Start the app in a fresh process as gunicorn would, pair the demo tablet, tap, sign in
    and open the dashboard; what the process served and had loaded by then."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTERPULSE_")}
    env.update(DATABASE_URL=database_uri, COUNTERPULSE_SECRET_KEY="worker-memory-test")
    if not database_uri.startswith("sqlite"):
        env.update(shared_state_env())
    command = [sys.executable, "-c", WORKER, demo.pairing_code, demo.owner_email]
    command.append(demo.owner_password)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    scan_output("worker-memory", done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_that_served_the_kiosk_and_the_dashboard_loaded_no_heavy_library(
    database_uri, demo
):
    served = serve_as_a_worker(database_uri, demo)
    assert served["statuses"] == [303, 200, 200, 303, 200]
    assert "surveys.capture.responses" in served["modules"]  # the check sees the app's modules
    lazy = LAZY if database_uri.startswith("sqlite") else {**LAZY, **LAZY_ON_POSTGRESQL}
    loaded = {
        name: why
        for name, why in lazy.items()
        if any(m == name or m.startswith(f"{name}.") for m in served["modules"])
    }
    assert loaded == {}
    # Each language's CLDR data is 1-6 MB; the kiosk's pages need none (surveys/languages.py).
    assert served["cldr"] == []


def test_each_language_is_written_in_the_direction_cldr_gives_it():
    for language in SUPPORTED_LANGUAGES:
        assert text_direction(language) == Locale.parse(language).text_direction
