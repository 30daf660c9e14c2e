"""The case history over HTTP: pages, the posted search, filters, counts, hostile input."""

import re
from datetime import timedelta
from urllib.parse import quote_plus

import pytest

from surveys.db import db
from surveys.models import Alert, utcnow
from tests.admin.test_inbox import PARTIAL, feed_url
from tests.case_factories import sign_in

WORDS = "The bread was stale."  # one of the demo's words: tests/log_capture.py watches for it


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def addresses(html: str) -> str:
    """Every URL the page links to or asks for."""
    return " ".join(re.findall(r'(?:href|hx-get|hx-post|action)="([^"]*)"', html))


def test_the_search_is_posted_and_the_words_never_reach_a_url(client, cast, new_alert):
    stale = new_alert(words=WORDS, topics=("product",))
    other = new_alert(words="Cold coffee.")
    sign_in(client, cast.manager)
    page = client.get("/admin/").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "words": "bread was STALE", "status": "new"}
    assert client.post("/admin/alerts/search", data=form | {"csrf_token": "x"}).status_code == 400
    answer = client.post("/admin/alerts/search", data=form)
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert "status=new" in location and re.search(r"[?&]q=[\w-]+", location)
    html = client.get(location).get_data(as_text=True)
    assert f'id="alert-{stale}"' in html and f'id="alert-{other}"' not in html
    assert 'value="bread was STALE"' in html  # the box shows what was searched
    for leaked in ("bread", quote_plus("bread was STALE"), "stale", "STALE"):
        assert leaked not in addresses(html) and leaked not in location
    assert "q=" in feed_url(html)  # the live list keeps the search by token
    cleared = re.search(r'href="([^"]+)">Clear the search', html).group(1).replace("&amp;", "&")
    assert f'id="alert-{other}"' in client.get(cleared).get_data(as_text=True)


def test_older_pages_follow_the_cursor_and_only_the_first_page_polls(client, cast, new_alert):
    ids = [new_alert() for _ in range(52)]
    sign_in(client, cast.owner)
    first = client.get("/admin/").get_data(as_text=True)
    assert f'id="alert-{ids[-1]}"' in first and f'id="alert-{ids[1]}"' not in first
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert [f'id="alert-{ids[1]}"', f'id="alert-{ids[0]}"'] == re.findall(r'id="alert-\d+"', second)
    assert 'id="inbox-feed"' not in second and "Newest cases" in second
    assert 'rel="next"' not in second


def test_counts_per_status_and_the_overdue_view(app, client, cast, new_alert):
    late = new_alert()
    new_alert()
    new_alert(cast.other_shop_id)
    with app.app_context():
        db.session.get(Alert, late).created_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    sign_in(client, cast.manager)
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'New <span class="count">2</span>', html)
    assert re.search(r'Overdue <span class="count">1</span>', html)
    overdue = client.get("/admin/?view=overdue", headers=PARTIAL).get_data(as_text=True)
    assert re.findall(r'id="alert-\d+"', overdue) == [f'id="alert-{late}"']


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-30",
        "to=not-a-date",
        "from=0001-01-01",
        "from=2026-03-02&to=2026-03-01",
        "view=late",
        "topic=" + "x" * 200,
        "topic=%00",
        "staff=1e3",
        "staff=99999999999999999999",
        "q=expired-token",
        "status=closed%27%20OR%201=1--",
        "location=1%20OR%201=1",
    ],
)
def test_hostile_filters_are_a_translated_400(client, cast, query):
    sign_in(client, cast.owner)
    answer = client.get(f"/admin/?{query}", headers={"Accept-Language": "hy"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    message = re.search(r'class="form-error" role="alert">\s*<p>([^<]+)</p>', html).group(1)
    assert message.isascii() is False  # said in Armenian, not in English


@pytest.mark.parametrize("cursor", ["-5", "abc", "9" * 60, "%00", "1.5"])
def test_a_mangled_page_cursor_shows_the_newest_page(client, cast, new_alert, cursor):
    newest = new_alert()
    sign_in(client, cast.owner)
    answer = client.get(f"/admin/?before={cursor}")
    assert answer.status_code == 200 and f'id="alert-{newest}"' in answer.get_data(as_text=True)


def test_an_overlong_or_too_short_search_is_refused_in_words(client, cast):
    sign_in(client, cast.owner)
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    for words in ("ab", "x" * 101):
        answer = client.post("/admin/alerts/search", data={"csrf_token": token, "words": words})
        assert answer.status_code == 400
        assert "Please search for 3 to 100 characters." in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "words",
    ['"quoted" NEAR(a b)', "abc*", "x\x00yz", "'; DROP TABLE answer; --", "ﾟ･✿ヾ╲", "a%_\\b"],
)
def test_hostile_search_words_are_only_words(client, cast, new_alert, words):
    new_alert(words="Cold coffee.")
    sign_in(client, cast.owner)
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    answer = client.post("/admin/alerts/search", data={"csrf_token": token, "words": words})
    assert answer.status_code == 303
    shown = client.get(answer.headers["Location"])
    assert shown.status_code == 200
    assert "No alerts match this filter." in shown.get_data(as_text=True)
