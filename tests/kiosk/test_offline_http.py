"""What an offline kiosk gets from the server: its service worker, versioned files, the
screens and rules a start page carries, the server's clock, and the heartbeat."""

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.offline import SERVER_TIME_HEADER, VERSION_HEADER
from kiosk.release import KIOSK_STATIC_FILES, kiosk_release_version
from kiosk.screens import PLACEHOLDER_RESPONSE_ID
from surveys.db import db
from surveys.models import Device, Location

ROOT = Path(__file__).resolve().parents[2]


def service_worker_config(kiosk) -> dict:
    source = kiosk.get("/kiosk/sw.js").get_data(as_text=True)
    return json.loads(re.match(r"self\.KIOSK = (\{.*\});\n", source).group(1))


def test_the_service_worker_names_its_release_and_is_never_cached(app, kiosk):
    response = kiosk.get("/kiosk/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    config = service_worker_config(kiosk)
    assert config["version"] == app.config["KIOSK_VERSION"]
    assert 'addEventListener("fetch"' in response.get_data(as_text=True)


def test_everything_the_worker_precaches_belongs_to_the_release(app, kiosk):
    config = service_worker_config(kiosk)
    assert len(config["precache"]) == len(KIOSK_STATIC_FILES) + 1
    for url in config["precache"]:
        with kiosk.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers[VERSION_HEADER] == config["version"], url


def test_a_new_release_changes_the_worker_and_every_file_url(app, kiosk):
    before = kiosk.get("/kiosk/sw.js").data
    app.config["KIOSK_VERSION"] = "next"
    assert kiosk.get("/kiosk/sw.js").data != before
    html = kiosk.get("/kiosk/").get_data(as_text=True)
    static_urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert static_urls and all("?v=next" in url for url in static_urls)


def test_the_release_hash_follows_the_kiosk_files(tmp_path):
    for folder in ("static", "templates/kiosk"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    before = kiosk_release_version(tmp_path)
    assert kiosk_release_version(tmp_path) == before
    with (tmp_path / "static/js/kiosk.js").open("a") as script:
        script.write("\n// a change\n")
    assert kiosk_release_version(tmp_path) != before


def offline_screens(html: str) -> str:
    return re.search(r'<div id="offline-screens".*?</div>\s*$', html, re.S | re.M).group(0)


def test_the_start_page_carries_the_next_screens_and_the_rules(kiosk, demo):
    html = kiosk.get("/kiosk/?lang=hy").get_data(as_text=True)
    outcomes = json.loads(re.search(r"data-outcomes='([^']+)'", html).group(1))
    # One screen per rating that opens questions: conditions may open different ones.
    assert outcomes["1"] == {"negative": True, "screen": "follow_up-1"}
    assert outcomes["2"] == {"negative": True, "screen": "follow_up-2"}
    assert outcomes["3"] == {"negative": False, "screen": "thanks"}
    assert outcomes["5"] == {"negative": False, "screen": "praise-5"}
    assert 'data-response-interval="5"' in html
    for screen in (
        "follow_up-1",
        "follow_up-2",
        "praise-4",
        "praise-5",
        "thanks",
        "thanks_manager",
    ):
        assert f'<template data-screen="{screen}">' in html
    assert f"/kiosk/responses/{PLACEHOLDER_RESPONSE_ID}/follow-up" in html
    assert 'lang="hy"' in html and "What went wrong?" not in html  # in Armenian
    assert html.count("manager-coming") == 1  # only the manager variant promises one


def test_no_manager_promise_is_carried_when_none_is_on_duty(app, kiosk, demo):
    with app.app_context():
        db.session.get(Location, demo.location_id).manager_on_duty = False
        db.session.commit()
    assert "manager-coming" not in kiosk.get("/kiosk/").get_data(as_text=True)


def test_kiosk_replies_carry_the_server_clock_and_the_release(app, kiosk):
    before = time.time() * 1000
    response = kiosk.get("/kiosk/")
    assert before - 1000 <= int(response.headers[SERVER_TIME_HEADER]) <= time.time() * 1000 + 1000
    assert response.headers[VERSION_HEADER] == app.config["KIOSK_VERSION"]
    error = kiosk.post("/kiosk/responses", data={"rating": "9"})
    assert error.status_code == 422 and SERVER_TIME_HEADER in error.headers


BEAT = {
    "app_version": "2efd6540a3163a3b",
    "queue_length": "4",
    "battery_percent": "55",
    "battery_charging": "true",
    "clock_skew_seconds": "3",
    "last_error": "",
}


def stored_device(app) -> Device:
    with app.app_context():
        device = db.session.scalars(select(Device)).one()
        db.session.expunge(device)
        return device


def test_a_heartbeat_is_stored_and_answered_with_the_server_clock(app, kiosk):
    response = kiosk.post("/kiosk/heartbeat", data=BEAT)
    assert response.status_code == 204
    assert SERVER_TIME_HEADER in response.headers
    device = stored_device(app)
    assert (device.queue_length, device.battery_percent, device.battery_charging) == (4, 55, True)
    assert device.app_version == "2efd6540a3163a3b" and device.last_heartbeat_at is not None


@pytest.mark.parametrize(
    ("changes", "status"), [({"queue_length": "lots"}, 422), ({"battery_percent": "-5"}, 422)]
)
def test_a_bad_heartbeat_is_refused_with_a_message(app, kiosk, changes, status):
    response = kiosk.post("/kiosk/heartbeat", data=BEAT | changes)
    assert response.status_code == status
    assert "This value is not a number we expect." in response.get_data(as_text=True)
    assert stored_device(app).last_heartbeat_at is None


def test_heartbeats_need_a_paired_tablet_and_the_same_site(app, client, kiosk):
    assert client.post("/kiosk/heartbeat", data=BEAT).status_code == 403
    cross_site = kiosk.post("/kiosk/heartbeat", data=BEAT, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    assert stored_device(app).last_heartbeat_at is None
