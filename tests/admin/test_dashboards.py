"""The dashboard page over HTTP: numbers from hand-built answers, each beside the period
before's; a manager sees only their shop; bad periods are refused in the form; htmx gets
the partial; an empty period says so."""

import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest

from surveys.db import db
from surveys.models import Alert, Location, Outcome, Remedy, Staff, Survey, User
from surveys.reporting.metrics import rebuild_rollups
from tests.admin.conftest import PARTIAL
from tests.metrics_factories import respond

MARCH = "/admin/dashboard/?period=custom&first=2026-03-01&last=2026-03-31"


@pytest.fixture
def answers(app, shops):
    """Shop A: five answers on 10 March, one won-back case, one in February (the period
    before March); Shop B: one unhappy answer with words and a staff member."""
    with app.app_context():
        survey = db.session.get(Survey, shops.survey_a)
        shop_a, shop_b = db.session.get(Location, shops.a), db.session.get(Location, shops.b)
        arben = db.session.get(Staff, shops.staff_member_a)
        anahit = db.session.get(Staff, shops.staff_member_b)
        for hour, rating in enumerate([5, 4, 4], start=9):
            respond(shop_a, survey, datetime(2026, 3, 10, hour), rating, staff=arben, praised=True)
        respond(shop_a, survey, datetime(2026, 3, 10, 13), 2, words="Too slow today")
        respond(
            shop_a,
            survey,
            datetime(2026, 3, 10, 14),
            1,
            topics=("waiting",),
            words="Queue went nowhere",
        )
        respond(shop_a, survey, datetime(2026, 2, 15, 12), 5)
        respond(
            shop_b, survey, datetime(2026, 3, 11, 12), 1, words="Shop B private words", staff=anahit
        )
        owner = db.session.get(User, shops.owner)
        case = db.session.query(Alert).filter_by(location_id=shop_a.id).first()
        case.acknowledge(by=owner)
        case.resolve(by=owner, remedy=Remedy.APOLOGY)
        case.close(by=owner, outcome=Outcome.WON_BACK)
        db.session.commit()
        rebuild_rollups()  # the rows were stored behind the capture service's back
        db.session.commit()


def figure(html: str, name: str) -> tuple[str, str]:
    """A figure's value and its period-before value, as the page shows them."""
    block = re.search(rf'data-figure="{name}">(.*?)</div>', html, re.S).group(1)
    value = re.search(r'figure-value"><bdi>(.*?)</bdi>', block).group(1)
    before = re.search(r'figure-previous">Before: (.*?)</span>', block).group(1)
    return unescape(value), unescape(before)


def test_the_owner_sees_every_number_beside_the_month_before(signed_in, answers):
    response = signed_in("owner").get(MARCH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The headline comes first: one case closed, won back.
    assert html.index('data-figure="recovery_rate"') < html.index('data-figure="responses"')
    assert figure(html, "recovery_rate") == ("100%", "–")
    assert figure(html, "responses") == ("6", "1")  # 5 at A, 1 at B; February: 1
    assert figure(html, "average_rating") == ("2.8", "5.0")  # (5+4+4+2+1+1) / 6
    assert figure(html, "csat") == ("50%", "100%")
    assert figure(html, "negative_share") == ("50%", "0%")
    assert 'data-figure="nps"' not in html  # a faces survey has no NPS
    assert figure(html, "alerts") == ("3", "0")
    assert figure(html, "won_back") == ("1", "0")
    # Side by side: both shops in the by-location chart's table.
    assert "Satisfaction by location" in html
    assert "Shop A" in html and "Shop B" in html and "Anahit" in html


def test_the_heat_map_is_a_table_with_weekday_and_hour_headers(signed_in, answers):
    html = signed_in("owner").get(MARCH).get_data(as_text=True)
    heat = re.search(r'<table class="heat-map">(.*?)</table>', html, re.S).group(1)
    assert '<th scope="row">Tuesday</th>' in heat  # 10 March 2026 was a Tuesday
    # Shop A is in Tirane (UTC+1 in March): 9:00 UTC is 10 local; B (Yerevan, UTC+4) 16.
    hours = re.findall(r'<th scope="col">(\d\d)</th>', heat)
    assert hours[0] == "10" and hours[-1] == "16"
    assert 'class="heat-4">100%' in heat
    assert "style=" not in html


def test_a_manager_sees_only_their_own_shop(signed_in, shops, answers):
    client = signed_in("manager_a")
    html = client.get(MARCH).get_data(as_text=True)
    assert figure(html, "responses") == ("5", "1")
    for other in ("Shop B", "Anahit", "Shop B private words"):
        assert other not in html
    assert client.get(f"{MARCH}&location={shops.b}").status_code == 404
    comments = client.get(f"/admin/dashboard/comments?location={shops.b}", headers=PARTIAL)
    assert comments.status_code == 404


def test_the_owner_filters_to_one_shop(signed_in, shops, answers):
    html = signed_in("owner").get(f"{MARCH}&location={shops.b}").get_data(as_text=True)
    assert figure(html, "responses") == ("1", "0")
    assert "Shop B private words" in html and "Queue went nowhere" not in html
    assert "Satisfaction by location" not in html  # one shop is not a comparison


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ("period=custom&first=2026-03-10&last=2026-03-01", "must not be before", "last"),
        ("period=custom&first=10/03/2026&last=2026-03-11", "such as 2026-03-29", "first"),
        (
            f"period=custom&first={date.today()}&last={date.today() + timedelta(days=9)}",
            "already begun",
            "last",
        ),
        ("period=fortnight", "Please choose today", "period"),
    ],
)
def test_a_period_that_cannot_be_read_is_refused_in_the_form(signed_in, query, message, field):
    client = signed_in("owner")
    for headers in ({}, PARTIAL):
        response = client.get(f"/admin/dashboard/?{query}", headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and 'role="alert"' in html
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html, re.S)
        assert 'data-figure="responses"' not in html


def test_htmx_gets_the_dashboard_alone_and_a_browser_the_whole_page(signed_in, answers):
    client = signed_in("owner")
    full, partial = client.get(MARCH), client.get(MARCH, headers=PARTIAL)
    assert "<html" in full.get_data(as_text=True)
    partial_html = partial.get_data(as_text=True)
    assert "<html" not in partial_html and partial_html.lstrip().startswith("{#") is False
    assert 'id="dashboard"' in partial_html and 'data-figure="responses"' in partial_html
    for response in (full, partial):
        assert "HX-Request-Type" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "no-store"


def test_the_comments_filter_by_rating_and_topic(signed_in, answers):
    client = signed_in("owner")
    by_rating = client.get(
        "/admin/dashboard/comments?period=custom&first=2026-03-01&last=2026-03-31&rating=2",
        headers=PARTIAL,
    ).get_data(as_text=True)
    assert "Too slow today" in by_rating and "Queue went nowhere" not in by_rating
    by_topic = client.get(
        "/admin/dashboard/comments?period=custom&first=2026-03-01&last=2026-03-31&topic=waiting",
        headers=PARTIAL,
    ).get_data(as_text=True)
    assert "Queue went nowhere" in by_topic and "Too slow today" not in by_topic
    # Opened as a page (a shared link), the comments address shows the whole dashboard.
    page = client.get("/admin/dashboard/comments?period=7d&rating=2")
    assert page.status_code == 302 and "/admin/dashboard/?" in page.headers["Location"]


def test_an_empty_period_says_so(signed_in, answers):
    html = (
        signed_in("owner")
        .get("/admin/dashboard/?period=custom&first=2025-06-01&last=2025-06-30")
        .get_data(as_text=True)
    )
    assert "No answers in this period" in html
    assert figure(html, "responses") == ("0", "0")
    assert "<canvas" not in html and "heat-map" not in html


def test_only_owners_and_managers_have_a_dashboard_in_the_menu(signed_in):
    assert 'href="/admin/dashboard/"' in signed_in("manager_b").get("/admin/").get_data(True)
    staff = signed_in("staff_a")
    assert 'href="/admin/dashboard/"' not in staff.get("/admin/").get_data(as_text=True)
    assert staff.get("/admin/dashboard/").status_code == 403


def test_nonsense_in_the_address_is_a_bad_request(signed_in):
    client = signed_in("owner")
    assert client.get("/admin/dashboard/?location=abc").status_code == 400
    assert client.get("/admin/dashboard/?rating=11").status_code == 400
    assert client.get("/admin/dashboard/?location=%C2%B2").status_code == 400  # "²"
    assert client.get("/admin/dashboard/?rating=%C2%B2").status_code == 400
    assert client.get("/admin/dashboard/?location=99999999999999999999").status_code == 400
    assert client.get("/admin/dashboard/?location=999").status_code == 404
