"""How many bytes a tablet downloads for the kiosk's start screen, raw and gzipped; with
`--dashboard`, what a manager's browser downloads for the dashboard (the demo's owner).

Run by hand: `.venv/bin/python bench/page_weight.py [--dashboard]`. Uses a throwaway SQLite
database.
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo.shops import set_up_demo  # noqa: E402
from surveys.models import User  # noqa: E402
from wsgi import create_app  # noqa: E402


def page_resources(client, page: str) -> dict[str, bytes]:
    """A page's HTML and every file it references on this server."""
    html = client.get(page).data
    bodies = {f"{page} (HTML)": html}
    for path in sorted(set(re.findall(rb'(?:src|href)="(/static/[^"#]+)', html))):
        bodies[path.decode()] = client.get(path.decode()).data
    return bodies


def start_screen_resources(client) -> dict[str, bytes]:
    """The start screen's HTML and every file it references on this server."""
    return page_resources(client, "/kiosk/")


def sign_in_owner(app, client, setup) -> None:
    """Sign the demo's owner in through the login form, past the first-password change."""
    with app.app_context():
        owner = db.session.scalars(select(User).filter_by(email=setup.owner_email)).one()
        owner.must_change_password = False
        db.session.commit()
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = {"email": setup.owner_email, "password": setup.owner_password, "csrf_token": token}
    assert client.post("/admin/login", data=fields).status_code == 303


def measure(dashboard: bool) -> dict[str, bytes]:
    """The resources of the kiosk's start screen, or of the demo's dashboard."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/weight.db", "SECRET_KEY": "bench"}
        )
        with app.app_context():
            upgrade()
            setup = set_up_demo()
            db.session.commit()
        client = app.test_client()
        if dashboard:
            sign_in_owner(app, client, setup)
            bodies = page_resources(client, "/admin/dashboard/?period=30d")
        else:
            client.post(f"/kiosk/pair/{setup.pairing_code}")
            bodies = start_screen_resources(client)
        with app.app_context():
            db.engine.dispose()
    return bodies


def main() -> None:
    """Print a table of raw and gzip sizes."""
    bodies = measure(dashboard="--dashboard" in sys.argv[1:])
    print(f"{'resource':48} {'bytes':>8} {'gzip':>8}")
    total_raw = total_gzip = 0
    for name, body in bodies.items():
        packed = len(gzip.compress(body, compresslevel=6))
        total_raw += len(body)
        total_gzip += packed
        print(f"{name:48} {len(body):8d} {packed:8d}")
    print(f"{'total':48} {total_raw:8d} {total_gzip:8d}")


if __name__ == "__main__":
    main()
