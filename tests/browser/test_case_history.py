"""The case history in a browser: a search on a 390 px phone, no sideways scrolling."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from surveys.db import db
from surveys.models import Location
from tests.case_factories import make_alert

pytestmark = pytest.mark.browser


def test_the_inbox_with_its_filters_fits_a_phone_and_searches_by_post(
    app, demo, live_server, english_phone, axe
):
    with app.app_context():
        shop = db.session.scalars(select(Location)).first()
        stale = make_alert(shop, words="The bread was stale.", topics=("product",)).id
        other = make_alert(shop, words="Cold coffee.").id
        db.session.commit()
    phone = english_phone
    phone.goto(f"{live_server}/admin/login")
    phone.get_by_label("E-mail").fill(demo.owner_email)
    phone.get_by_label("Password").fill(demo.owner_password)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("The customer's words").fill("bread was stale")
    phone.get_by_role("button", name="Search", exact=True).click()
    expect(phone.locator(f"#alert-{stale}")).to_be_visible()
    expect(phone.locator(f"#alert-{other}")).to_have_count(0)
    assert "bread" not in phone.url and "q=" in phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Cases", exact=True).select_option("overdue")
    expect(phone.locator("#inbox-list")).to_contain_text("No alerts match this filter.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(phone) == []
