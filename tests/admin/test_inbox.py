"""The inbox over HTTP: what it lists, filters, the live feed, presence, other locations."""

import re

import pytest
from sqlalchemy import select

from surveys.cases.raising import DEVICE_SILENT, raise_device_alert
from surveys.db import db
from surveys.models import Alert, Device, InboxPresence, Location
from tests.case_factories import csrf_headers, sign_in
from tests.kiosk.test_kiosk_http import tap_form

PARTIAL = {"HX-Request-Type": "partial"}


def feed_url(html: str) -> str:
    """The URL the page's poller asks every second."""
    return re.search(r'id="inbox-feed" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_the_inbox_lists_alerts_newest_first_with_what_a_manager_needs(client, cast, new_alert):
    older = new_alert(rating=2, topics=("waiting",), words="Twenty minutes in the queue.")
    newer = new_alert(rating=1, words="Rude & <b>slow</b>")
    sign_in(client, cast.manager)
    response = client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index(f'id="alert-{newer}"') < html.index(f'id="alert-{older}"')
    for expected in ["Demo shop", "rating 2 of 5", "Waiting time", "Twenty minutes in the queue."]:
        assert expected in html
    assert "Rude &amp; &lt;b&gt;slow&lt;/b&gt;" in html
    assert html.count('class="badge status-new">New<') == 2 and "nobody holds it yet" in html
    assert "ago</time>" in html
    assert "<title>(2) Alerts · Counterpulse</title>" in html


def test_a_manager_never_sees_another_locations_alerts(client, cast, new_alert):
    theirs = new_alert(cast.other_shop_id, words="Elsewhere")
    sign_in(client, cast.manager)
    assert "Elsewhere" not in client.get("/admin/").get_data(as_text=True)
    assert client.get(f"/admin/?location={cast.other_shop_id}").status_code == 404
    assert client.get(f"/admin/alerts/{theirs}").status_code == 404
    feed = f"/admin/alerts/feed?cursor=0.0.0&location={cast.other_shop_id}"
    assert client.get(feed).status_code == 404


@pytest.mark.parametrize("query", ["location=abc", "status=lost", "status=%00"])
def test_a_nonsense_filter_is_a_400(client, cast, query):
    sign_in(client, cast.owner)
    assert client.get(f"/admin/?{query}").status_code == 400


def test_a_filter_change_swaps_only_the_inbox(app, client, cast, new_alert):
    new_here = new_alert()
    taken = new_alert(cast.other_shop_id)
    with app.app_context():
        db.session.get(Alert, taken).status = "acknowledged"
        db.session.commit()
    sign_in(client, cast.owner)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'name="location"' in page  # an owner of two shops may choose one
    response = client.get("/admin/?status=new", headers=PARTIAL)
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith("<title>(1) Alerts")
    assert f'id="alert-{new_here}"' in html and f'id="alert-{taken}"' not in html
    assert "status=new" in feed_url(html)
    assert "HX-Request-Type" in response.headers["Vary"]
    only_other = client.get(f"/admin/?location={cast.other_shop_id}", headers=PARTIAL)
    assert f'id="alert-{taken}"' in only_other.get_data(as_text=True)


def test_the_feed_is_empty_until_a_customer_taps_then_brings_the_alert(client, kiosk, demo, cast):
    sign_in(client, cast.manager)
    url = feed_url(client.get("/admin/").get_data(as_text=True))
    quiet = client.get(url, headers=PARTIAL)
    assert quiet.status_code == 204 and quiet.get_data() == b""

    kiosk.post("/kiosk/responses", data=tap_form(demo, 1))
    news = client.get(url, headers=PARTIAL)
    html = news.get_data(as_text=True)
    assert news.status_code == 200
    assert "<title>(1) Alerts · Counterpulse</title>" in html
    assert 'hx-target="#inbox-list"' in html and 'id="alert-1"' in html
    assert 'data-alert-id="1"' in html and "New alert at Demo shop: rating 1 of 5" in html
    assert client.get(feed_url(html), headers=PARTIAL).status_code == 204


def test_the_customers_words_reach_the_open_inbox_when_the_follow_up_comes(
    client, kiosk, demo, cast
):
    sign_in(client, cast.manager)
    form = tap_form(demo, 2)
    kiosk.post("/kiosk/responses", data=form)
    url = feed_url(client.get("/admin/").get_data(as_text=True))
    assert client.get(url, headers=PARTIAL).status_code == 204
    words = {f"q{demo.question_ids['comment']}": "Nobody at the till"}
    kiosk.post(f"/kiosk/responses/{form['response_id']}/follow-up", data=words)
    update = client.get(url, headers=PARTIAL)
    assert update.status_code == 200 and "Nobody at the till" in update.get_data(as_text=True)


def test_the_feed_reports_a_colleagues_action_without_announcing_it(app, client, cast, new_alert):
    alert_id = new_alert()
    sign_in(client, cast.manager)
    url = feed_url(client.get("/admin/").get_data(as_text=True))
    colleague = client.application.test_client()
    sign_in(colleague, cast.owner)
    colleague.post(f"/admin/alerts/{alert_id}/acknowledge", headers=csrf_headers(colleague))
    html = client.get(url, headers=PARTIAL).get_data(as_text=True)
    assert ">Acknowledged<" in html and "held by owner@" in html
    assert "data-alert-id" not in html.split('hx-target="#inbox-announce"')[1]
    assert "<title>Alerts · Counterpulse</title>" in html


@pytest.mark.parametrize("cursor", ["", "1.2", "x.y.z", "1.2.3.4"])
def test_a_malformed_cursor_is_a_400(client, cast, cursor):
    sign_in(client, cast.owner)
    assert client.get(f"/admin/alerts/feed?cursor={cursor}").status_code == 400


def test_the_open_inbox_reports_presence_for_what_it_shows(app, client, cast):
    sign_in(client, cast.owner)
    headers = csrf_headers(client)
    assert (
        client.post(f"/admin/alerts/presence?location={cast.shop_id}", headers=headers).status_code
        == 204
    )
    with app.app_context():
        assert [(p.location_id) for p in db.session.query(InboxPresence)] == [cast.shop_id]
    assert client.post("/admin/alerts/presence", headers=headers).status_code == 204
    with app.app_context():  # the owner's unfiltered inbox watches every location
        assert db.session.query(InboxPresence).count() == db.session.query(Location).count()
    assert client.post("/admin/alerts/presence").status_code == 400  # no CSRF token


def test_a_poll_after_the_session_ended_sends_the_page_to_the_login(client, cast):
    sign_in(client, cast.manager)
    url = feed_url(client.get("/admin/").get_data(as_text=True))
    client.post("/admin/logout", headers=csrf_headers(client))
    response = client.get(url, headers=PARTIAL | {"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/admin/login"
    assert client.get("/admin/").status_code == 302  # a plain visit is redirected as before


def test_a_silent_tablet_is_a_case_like_any_other(app, client, cast):
    with app.app_context():
        device = db.session.scalars(select(Device).where(Device.location_id == cast.shop_id)).one()
        raise_device_alert(device, DEVICE_SILENT)
        db.session.commit()
        alert_id = db.session.scalars(select(Alert.id)).one()
    sign_in(client, cast.manager)
    inbox = client.get("/admin/").get_data(as_text=True)
    assert "the tablet “Checkout tablet” has gone silent" in inbox
    case = client.get(f"/admin/alerts/{alert_id}")
    assert case.status_code == 200 and "has gone silent during opening hours" in case.get_data(
        as_text=True
    )
    response = client.post(
        f"/admin/alerts/{alert_id}/acknowledge", headers=csrf_headers(client) | PARTIAL
    )
    assert response.status_code == 200 and 'id="case-status">Acknowledged<' in response.get_data(
        as_text=True
    )


def test_without_redis_the_page_polls_and_the_stream_says_no_content(client, demo):
    sign_in(client, demo.owner_email, demo.owner_password)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="inbox-feed"' in page and "data-poll-ms=" in page
    assert "data-stream-url" not in page
    stream = client.get("/admin/alerts/stream")
    assert stream.status_code == 204  # EventSource does not reconnect to a 204
