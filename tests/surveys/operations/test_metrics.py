"""GET /metrics: off without a token, refused without the right one, and counting what
happens: taps, alerts, requests. (Outbox outcomes: tests/surveys/notify/test_outbox_metrics.py.)"""

import pytest

from surveys.db import db
from tests.conftest import fresh_response_id
from tests.surveys.operations.scrape import BEARER, METRICS_TOKEN, scrape, value

PARTIAL = {"HX-Request-Type": "partial"}


@pytest.fixture
def app(app):
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    return app


def tap(kiosk, demo, rating: int):
    start = kiosk.get("/kiosk/?lang=en").get_data(as_text=True)
    form = {
        "response_id": fresh_response_id(start),
        "question": str(demo.question_ids["rating"]),
        "rating": str(rating),
        "language": "en",
    }
    response = kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    assert response.status_code == 200
    return form


def test_without_a_token_setting_there_are_no_metrics(app, client):
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {METRICS_TOKEN}", "Bearer", ""]
)
def test_a_scrape_without_the_token_is_refused(client, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "counterpulse_taps" not in response.get_data(as_text=True)


def test_the_scrape_is_prometheus_text(client):
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "# TYPE counterpulse_taps_total counter" in text
    assert "# TYPE counterpulse_request_duration_seconds histogram" in text


def test_a_tap_counts_once_and_a_resend_does_not(client, kiosk, demo):
    before = scrape(client)
    form = tap(kiosk, demo, rating=5)
    resent = kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)
    assert resent.status_code == 200  # the same tap again: stored once
    after = scrape(client)
    taps = "counterpulse_taps_total"
    assert value(after, taps, channel="kiosk") == value(before, taps, channel="kiosk") + 1
    alerts = "counterpulse_alerts_raised_total"
    assert value(after, alerts, reason="rating") == value(before, alerts, reason="rating")


def test_an_unhappy_tap_counts_an_alert(client, kiosk, demo):
    before = scrape(client)
    tap(kiosk, demo, rating=1)
    after = scrape(client)
    alerts = "counterpulse_alerts_raised_total"
    assert value(after, alerts, reason="rating") == value(before, alerts, reason="rating") + 1


def test_a_rolled_back_tap_is_not_counted(app, client, demo):
    from surveys.capture.responses import Tap, record_tap
    from surveys.places.devices import device_for_pairing_code, pair_device

    before = scrape(client)
    with app.app_context():
        device = device_for_pairing_code(demo.pairing_code)
        pair_device(device)
        db.session.commit()
        tap_ = Tap(
            response_uuid="6f1c3c1e-4f7a-4b53-9a53-0c9c2d1b2f10",
            question_id=str(demo.question_ids["rating"]),
            rating="1",
            language="en",
            captured_at=None,
        )
        record_tap(device, tap_)
        db.session.flush()
        db.session.rollback()
    after = scrape(client)
    for name, labels in [
        ("counterpulse_taps_total", {"channel": "kiosk"}),
        ("counterpulse_alerts_raised_total", {"reason": "rating"}),
    ]:
        assert value(after, name, **labels) == value(before, name, **labels)


def test_requests_are_timed_by_endpoint_not_by_address(client):
    series = {"method": "GET", "endpoint": "link.receipt_open", "status": "404"}
    name = "counterpulse_request_duration_seconds_count"
    before = value(scrape(client), name, **series)
    assert client.get("/r/not-a-real-code").status_code == 404
    after = scrape(client)
    assert value(after, name, **series) == before + 1
    assert "not-a-real-code" not in after


def test_the_request_line_names_the_route_not_the_code(client, caplog):
    with caplog.at_level("INFO", logger="surveys.operations.access"):
        client.get("/r/not-a-real-code")
    (line,) = [r for r in caplog.records if r.name == "surveys.operations.access"]
    assert line.getMessage().startswith("GET /r/<code> 404 ")
    assert line.route == "/r/<code>" and line.status == 404 and line.endpoint == "link.receipt_open"
    assert "not-a-real-code" not in line.getMessage()
