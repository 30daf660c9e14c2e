"""How many bytes a tablet downloads for the kiosk's start screen, raw and gzipped.

Run by hand: `.venv/bin/python bench/page_weight.py`. Uses a throwaway SQLite database.
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from surveys.db import db  # noqa: E402
from surveys.demo import set_up_demo  # noqa: E402
from wsgi import create_app  # noqa: E402


def start_screen_resources(client) -> dict[str, bytes]:
    """The start screen's HTML and every file it references on this server."""
    html = client.get("/kiosk/").data
    bodies = {"/kiosk/ (HTML)": html}
    for path in sorted(set(re.findall(rb'(?:src|href)="(/static/[^"#]+)', html))):
        bodies[path.decode()] = client.get(path.decode()).data
    return bodies


def main() -> None:
    """Print a table of raw and gzip sizes."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/weight.db", "SECRET_KEY": "bench"}
        )
        with app.app_context():
            upgrade()
            code = set_up_demo().pairing_code
            db.session.commit()
        client = app.test_client()
        client.post(f"/kiosk/pair/{code}")
        bodies = start_screen_resources(client)
        with app.app_context():
            db.engine.dispose()
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
