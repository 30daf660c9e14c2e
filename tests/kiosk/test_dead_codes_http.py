"""Dead receipt and poster codes on a phone: the shop and a way forward, or plain words."""

import base64
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from surveys.channels.receipt_codes import ReceiptFields, encode_code
from surveys.channels.receipts import rotate_receipt_secret
from surveys.db import db
from surveys.models import Channel, Location, Response, SurveyAssignment, new_signing_secret, utcnow
from tests.kiosk.link_helpers import PARTIAL, demo_poster_code, form_of, mint, tap_form

ARMENIAN = {"Accept-Language": "hy-AM,hy;q=0.9,en;q=0.4"}
PERSIAN = {"Accept-Language": "fa-IR,fa;q=0.9"}
SHOP_LINK = re.compile(r'<a class="button primary" href="(/p/[A-Za-z0-9_-]{16})">')


def get(client, path, headers=None):
    response = client.get(path, headers=headers or {})
    return response, response.get_data(as_text=True)


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def rotate(app, demo) -> None:
    with app.app_context():
        rotate_receipt_secret(db.session.get(Location, demo.location_id))
        db.session.commit()


def unassign(app, demo, *channels: Channel) -> None:
    """Take the demo's survey off these channels (no channel: off every one)."""
    with app.app_context():
        query = delete(SurveyAssignment).where(SurveyAssignment.location_id == demo.location_id)
        if channels:
            query = query.where(SurveyAssignment.channel.in_(channels))
        db.session.execute(query)
        db.session.commit()


def assign_poster_only(app, demo) -> None:
    """The poster keeps the survey; the kiosk and receipts ask nothing."""
    unassign(app, demo)
    with app.app_context():
        db.session.add(
            SurveyAssignment(
                survey_id=demo.survey_id, location_id=demo.location_id, channel=Channel.LINK
            )
        )
        db.session.commit()


def expired_code(app, demo) -> str:
    """A genuine receipt of 29 days ago, at a shop whose codes now last a week."""
    code = mint(app, demo, issued_at=utcnow() - timedelta(days=29))
    with app.app_context():
        db.session.get(Location, demo.location_id).receipt_valid_days = 7
        db.session.commit()
    return code


def test_an_expired_receipt_names_the_shop_and_links_its_poster(app, client, demo):
    response, html = get(client, f"/r/{expired_code(app, demo)}")
    assert response.status_code == 410
    assert "This code has expired." in html and "7 days" in html
    assert "You can still tell Demo shop what you think:" in html
    poster = SHOP_LINK.search(html).group(1)
    assert poster == f"/p/{demo_poster_code(app, demo)}"
    assert get(client, poster)[0].status_code == 200  # the way forward opens the survey
    assert response.headers["Cache-Control"] == "no-store"


def test_an_expired_receipt_speaks_armenian_to_an_armenian_phone(app, client, demo):
    response, html = get(client, f"/r/{expired_code(app, demo)}", ARMENIAN)
    assert response.status_code == 410 and '<html lang="hy" dir="ltr">' in html
    assert "Դուք դեռ կարող եք ձեր կարծիքը հայտնել Demo shop-ին՝" in html
    assert SHOP_LINK.search(html)


def test_an_expired_receipt_reads_right_to_left_on_a_persian_phone(app, client, demo):
    response, html = get(client, f"/r/{expired_code(app, demo)}", PERSIAN)
    assert response.status_code == 410 and '<html lang="fa" dir="rtl">' in html
    assert "هنوز هم می‌توانید نظرتان را به Demo shop بگویید:" in html
    assert "This code" not in html


def test_a_language_the_shop_does_not_offer_falls_back_to_the_shops_default(app, client, demo):
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        location.languages, location.default_language = ["sq", "en"], "sq"
        db.session.commit()
    _response, html = get(client, f"/r/{expired_code(app, demo)}", PERSIAN)
    assert '<html lang="sq" dir="ltr">' in html and "Mund t'i tregoni ende Demo shop" in html


def test_a_receipt_printed_before_the_secret_was_replaced_points_to_the_new_poster(
    app, client, demo
):
    code = mint(app, demo)
    old_poster = demo_poster_code(app, demo)
    rotate(app, demo)
    response, html = get(client, f"/r/{code}")
    assert response.status_code == 410 and "This code no longer works." in html
    assert "Demo shop" in html
    assert SHOP_LINK.search(html).group(1) == f"/p/{demo_poster_code(app, demo)}" != old_poster
    posted = client.post(f"/r/{code}", data={"rating": "1"}, headers=PARTIAL)
    assert posted.status_code == 410 and "<html" not in posted.get_data(as_text=True)
    assert stored(app) == 0


def test_a_poster_whose_code_was_replaced_sends_the_phone_to_the_new_one(app, client, demo):
    old = demo_poster_code(app, demo)
    rotate(app, demo)
    response, html = get(client, f"/p/{old}", PERSIAN)
    assert response.status_code == 410 and 'dir="rtl"' in html
    assert SHOP_LINK.search(html).group(1) == f"/p/{demo_poster_code(app, demo)}"


def test_secrets_replaced_long_ago_are_forgotten(app, client, demo):
    code = mint(app, demo)
    for _ in range(6):
        rotate(app, demo)
    response, html = get(client, f"/r/{code}")
    assert response.status_code == 404 and "Demo shop" not in html


def test_a_receipt_of_a_shop_that_asks_nothing_now_names_it_with_plain_guidance(app, client, demo):
    code = mint(app, demo)
    unassign(app, demo)
    response, html = get(client, f"/r/{code}", ARMENIAN)
    assert response.status_code == 404 and '<html lang="hy"' in html and "Demo shop" in html
    assert "Այս կոդն այլևս չի գործում։" in html
    assert "աշխատակիցներին" in html  # speak to the staff next time
    assert not SHOP_LINK.search(html)


def test_a_receipt_whose_survey_was_taken_off_receipts_points_to_the_poster(app, client, demo):
    code = mint(app, demo)
    assign_poster_only(app, demo)
    response, html = get(client, f"/r/{code}")
    assert response.status_code == 404 and "You can still tell Demo shop" in html
    assert SHOP_LINK.search(html).group(1) == f"/p/{demo_poster_code(app, demo)}"


def test_a_poster_of_a_shop_that_asks_nothing_now_does_not_link_to_itself(app, client, demo):
    code = demo_poster_code(app, demo)
    unassign(app, demo)
    response, html = get(client, f"/p/{code}", PERSIAN)
    assert response.status_code == 404 and 'dir="rtl"' in html and "Demo shop" in html
    assert "لطفاً در مراجعهٔ بعدی با کارکنان صحبت کنید" in html
    assert not SHOP_LINK.search(html)


def forged_receipt(demo) -> str:
    """A well-formed code for the demo shop, signed with a secret nobody has."""
    stamp = int(utcnow().timestamp())
    return encode_code(ReceiptFields(demo.location_id, 1, 1, stamp), new_signing_secret())


def forged_poster(demo, location_id=None) -> str:
    """A poster code for the demo shop (or another id) with a made-up signature."""
    payload = b"P" + (location_id or demo.location_id).to_bytes(3, "big")
    return base64.urlsafe_b64encode(payload + b"\0" * 8).decode()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        pytest.param(lambda demo: f"/r/{forged_receipt(demo)}", {}, id="forged-receipt"),
        pytest.param(lambda demo: "/r/not-a-receipt-code", ARMENIAN, id="malformed-receipt"),
        pytest.param(lambda demo: "/r/" + "A" * 36, PERSIAN, id="no-location"),
        pytest.param(lambda demo: f"/p/{forged_poster(demo)}", {}, id="forged-poster"),
        pytest.param(lambda demo: f"/p/{forged_poster(demo, 99999)}", PERSIAN, id="no-shop"),
        pytest.param(lambda demo: "/p/x%00y", {}, id="nul-poster"),
        pytest.param(lambda demo: "/r/" + "é" * 36, {}, id="unicode-receipt"),
    ],
)
def test_a_code_no_shop_can_be_known_from_says_so_and_names_no_shop(
    app, client, demo, path, headers
):
    response, html = get(client, path(demo), headers)
    assert response.status_code == 404
    assert "We cannot tell which shop" in html or "code" in html.lower()
    assert "Demo shop" not in html and not SHOP_LINK.search(html)
    assert "/p/" not in html.replace(path(demo), "")  # no poster link of any shop leaks


def test_the_unknown_shop_page_in_armenian_and_persian(app, client, demo):
    _r, armenian = get(client, "/r/not-a-receipt-code", ARMENIAN)
    assert '<html lang="hy" dir="ltr">' in armenian
    assert "Մենք չենք կարող որոշել, թե որ խանութին է պատկանում այս կոդը։" in armenian
    _r, persian = get(client, f"/p/{forged_poster(demo)}", PERSIAN)
    assert '<html lang="fa" dir="rtl">' in persian
    assert "کد روی پوستر را دوباره اسکن کنید" in persian


def test_a_shop_name_is_escaped_on_the_dead_code_page(app, client, demo):
    with app.app_context():
        db.session.get(Location, demo.location_id).name = "<b>Ani & Co</b>"
        db.session.commit()
    _response, html = get(client, f"/r/{expired_code(app, demo)}")
    assert "<b>Ani" not in html and "&lt;b&gt;Ani &amp; Co&lt;/b&gt;" in html


def test_a_dead_code_stores_nothing_when_posted_to(app, client, demo):
    code = mint(app, demo)
    page = form_of(get(client, f"/r/{code}")[1])
    unassign(app, demo)
    assert client.post(f"/r/{code}", data=tap_form(page, 1)).status_code == 404
    poster = demo_poster_code(app, demo)
    assert client.post(f"/p/{poster}", data=tap_form(page, 1)).status_code in (400, 404)
    assert stored(app) == 0
