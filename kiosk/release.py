"""The kiosk's release: a content hash of its static files and templates, computed at startup.

The service worker's cache is named after it and every static URL of a kiosk page carries it
(`?v=`), so a tablet never mixes the files of two releases: a new hash is a new service
worker, which precaches the new set in full before it takes over between two customers.
"""

import hashlib
from pathlib import Path

# Everything a kiosk page loads, relative to static/; the service worker precaches these.
KIOSK_STATIC_FILES = (
    "css/app.css",
    "vendor/htmx-4.0.1.min.js",
    "js/htmx-guard.js",
    "js/kiosk-queue.js",
    "js/kiosk-offline.js",
    "js/kiosk.js",
    "js/kiosk-exit.js",
    "js/conditions.js",
    "js/steps.js",
    "img/faces.svg",
)
SERVICE_WORKER_SOURCE = "js/sw.js"


def kiosk_release_version(root: Path) -> str:
    """A short hash over the kiosk's static files, its service worker and its templates."""
    static = root / "static"
    files = [static / name for name in (*KIOSK_STATIC_FILES, SERVICE_WORKER_SOURCE)]
    files += sorted((root / "templates" / "kiosk").rglob("*.html"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
