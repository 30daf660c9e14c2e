"""What keeps a kiosk working offline: its service worker, release headers and heartbeat."""

import dataclasses
import json
import time
from pathlib import Path

from flask import current_app, g, make_response, request, url_for

from kiosk import bp
from kiosk.compression import compressed
from kiosk.device import device_required
from kiosk.forms import first, strict_form
from kiosk.release import KIOSK_STATIC_FILES, SERVICE_WORKER_SOURCE
from surveys.db import db
from surveys.places.device_health import Heartbeat, record_heartbeat

VERSION_HEADER = "X-Kiosk-Version"
SERVER_TIME_HEADER = "X-Server-Time"  # milliseconds since the epoch; the tablets set their clocks


def kiosk_version() -> str:
    """The running kiosk release."""
    return current_app.config["KIOSK_VERSION"]


@bp.app_url_defaults
def _versioned_static_urls(endpoint: str, values: dict) -> None:
    """Every link to a kiosk file names the release, so old and new files never mix."""
    if endpoint == "static" and values.get("filename") in KIOSK_STATIC_FILES:
        values.setdefault("v", kiosk_version())


@bp.after_app_request
def _release_headers(response):
    """Kiosk pages and static files say which release they belong to."""
    if request.blueprint == "kiosk" or request.endpoint == "static":
        response.headers[VERSION_HEADER] = kiosk_version()
    if request.blueprint == "kiosk":
        response.headers[SERVER_TIME_HEADER] = str(int(time.time() * 1000))
    return response


@bp.get("/sw.js")
@compressed
def service_worker():
    """The service worker, its release and the files it precaches written in as data."""
    config = {
        "version": kiosk_version(),
        "startPath": url_for("kiosk.start"),
        "precache": [url_for("static", filename=name) for name in KIOSK_STATIC_FILES]
        + [url_for("kiosk.start")],
    }
    source = (Path(current_app.static_folder) / SERVICE_WORKER_SOURCE).read_text()
    body = f"self.KIOSK = {json.dumps(config)};\n{source}"
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/heartbeat")
@device_required
def heartbeat():
    """Store what the tablet reports; the reply carries the server's clock."""
    fields = strict_form()
    names = [field.name for field in dataclasses.fields(Heartbeat)]
    record_heartbeat(g.device, Heartbeat(**{name: first(fields, name) for name in names}))
    db.session.commit()
    return "", 204
