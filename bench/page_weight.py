"""What a browser downloads, measured on the wire from the real app under gunicorn.

Default: the kiosk's start screen cold (its HTML and every file it loads, and the files its
stylesheet loads), and the service worker's first install (sw.js and everything it
precaches). `--dashboard`: what a manager's browser downloads for the dashboard (the demo's
owner, last 30 days).

Each resource is asked for three times: with no Accept-Encoding (the raw size), with
Chromium's plain-HTTP "gzip, deflate", and with its HTTPS "gzip, deflate, br, zstd". The
figure is the bytes of the body as sent (compressed when the server compressed it); headers
are not counted. The goals are checked against the gzip column, what a browser gets when
it is not offered Brotli.

Run by hand: `.venv/bin/python bench/page_weight.py [--dashboard]`. Uses a throwaway SQLite
database and `gunicorn -w 1` on a free loopback port.
"""

import http.client
import http.cookies
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo.shops import set_up_demo  # noqa: E402
from surveys.models import User  # noqa: E402
from wsgi import create_app  # noqa: E402

VENV_BIN = Path(sys.executable).parent
START_SCREEN_GOAL = 40 * 1024
SERVICE_WORKER_GOAL = 150 * 1024
ENCODINGS = {"raw": None, "gzip": "gzip, deflate", "br": "gzip, deflate, br, zstd"}
REFERENCE = re.compile(rb'(?:src|href)="(/static/[^"#]+)"')
CSS_URL = re.compile(rb"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Browser:
    """Just enough of a browser: one origin, its cookies, bodies exactly as sent."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", encoding=None, headers=None):
        """(status, headers, body as sent) of one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if encoding:
            sent["Accept-Encoding"] = encoding
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in sent.items():
            conn.putheader(name, value)
        data = body.encode()
        conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        reply = conn.getresponse()
        content = reply.read()  # http.client never decodes: these are the bytes on the wire
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return reply.status, reply.headers, content

    def weigh(self, path: str) -> dict[str, int]:
        """The body's bytes for each Accept-Encoding."""
        sizes = {}
        for name, encoding in ENCODINGS.items():
            status, _headers, content = self.request("GET", path, encoding=encoding)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            sizes[name] = len(content)
        return sizes

    def body(self, path: str) -> bytes:
        return self.request("GET", path)[2]


def files_of_page(browser: Browser, page: str) -> list[str]:
    """The static files a page loads, and the files its stylesheets load."""
    files = sorted({m.decode() for m in REFERENCE.findall(browser.body(page))})
    for css in [path for path in files if path.split("?")[0].endswith(".css")]:
        for found in CSS_URL.findall(browser.body(css)):
            if not found.startswith(b"data:"):
                files.append(urljoin(css, found.decode()))
    return files


def precached_files(browser: Browser) -> list[str]:
    """What the service worker fetches when it installs: its precache list."""
    first_line = browser.body("/kiosk/sw.js").split(b"\n", 1)[0].decode()
    config = json.loads(first_line.removeprefix("self.KIOSK = ").rstrip(";"))
    return config["precache"]


def prepare(folder: str) -> tuple[str, dict]:
    """A migrated demo database; its URL and what signing in and pairing need."""
    url = f"sqlite:///{folder}/weight.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        setup = set_up_demo()
        owner = db.session.scalars(select(User).filter_by(email=setup.owner_email)).one()
        owner.must_change_password = False
        db.session.commit()
        db.engine.dispose()
    demo = {"pairing": setup.pairing_code, "email": setup.owner_email}
    demo["password"] = setup.owner_password
    return url, demo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    """`gunicorn -w 1 wsgi:app` on loopback, as the one-machine default runs it."""
    env = dict(os.environ, DATABASE_URL=database_url, COUNTERPULSE_SECRET_KEY=uuid.uuid4().hex)
    command = [str(VENV_BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    command.append("--no-control-socket")  # else gunicorn 27 makes ~/.gunicorn/gunicorn.ctl
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def sign_in(browser: Browser, demo: dict) -> None:
    """Sign the demo's owner in through the login form."""
    html = browser.body("/admin/login").decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = urlencode({"email": demo["email"], "password": demo["password"], "csrf_token": token})
    status = browser.request("POST", "/admin/login", form)[0]
    assert status == 303, f"sign-in answered {status}"


def report(title: str, rows: dict[str, dict[str, int]], goal: int | None) -> bool:
    """Print one table; True when the gzip total is within the goal."""
    print(f"\n{title}")
    print(f"{'resource':58} {'raw':>8} {'gzip':>8} {'br':>8}")
    totals = dict.fromkeys(ENCODINGS, 0)
    for name, sizes in rows.items():
        print(f"{name[:58]:58} " + " ".join(f"{sizes[k]:8d}" for k in ENCODINGS))
        for key in ENCODINGS:
            totals[key] += sizes[key]
    print(f"{'total':58} " + " ".join(f"{totals[k]:8d}" for k in ENCODINGS))
    if goal is None:
        return True
    met = totals["gzip"] <= goal
    verdict = "met" if met else "NOT met"
    print(f"goal: gzip total <= {goal} bytes ({goal // 1024} KB): {verdict}")
    return met


def measure(browser: Browser, demo: dict, dashboard: bool) -> bool:
    """Weigh the pages and print them against their goals."""
    if dashboard:
        sign_in(browser, demo)
        page = "/admin/dashboard/?period=30d"
        rows = {f"{page} (HTML)": browser.weigh(page)}
        rows |= {path: browser.weigh(path) for path in files_of_page(browser, page)}
        return report("Dashboard, cold", rows, None)
    browser.request("POST", f"/kiosk/pair/{demo['pairing']}")
    rows = {"/kiosk/ (HTML)": browser.weigh("/kiosk/")}
    rows |= {path: browser.weigh(path) for path in files_of_page(browser, "/kiosk/")}
    start_met = report("Kiosk start screen, cold", rows, START_SCREEN_GOAL)
    install = {"/kiosk/sw.js": browser.weigh("/kiosk/sw.js")}
    install |= {path: browser.weigh(path) for path in precached_files(browser)}
    install_met = report("Service worker, first install", install, SERVICE_WORKER_GOAL)
    return start_met and install_met


def main() -> int:
    dashboard = "--dashboard" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as folder:
        database_url, demo = prepare(folder)
        port = free_port()
        server = start_gunicorn(database_url, port, Path(folder) / "gunicorn.log")
        try:
            met = measure(Browser(port), demo, dashboard)
        finally:
            server.terminate()
            server.wait(timeout=15)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
