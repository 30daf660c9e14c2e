"""Branding over HTTP: an owner uploads a logo and sets a colour; bad files come back as 422."""

import re
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from surveys.db import db
from surveys.models import LocationBrand
from tests.admin.test_auth import login

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def owner(client, demo):
    login(client, demo.owner_email, demo.owner_password)
    return client


def token(client, location_id) -> str:
    html = client.get(f"/admin/branding/{location_id}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def png(size=(300, 120)) -> bytes:
    output = BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(output, format="PNG")
    return output.getvalue()


def post(client, location_id, logo: bytes | None, name="logo.png", **fields):
    data = {"csrf_token": token(client, location_id), "display_name": "", "accent_color": ""}
    data |= fields
    if logo is not None:
        data["logo"] = (BytesIO(logo), name)
    return client.post(
        f"/admin/branding/{location_id}",
        data=data,
        headers=HTMX,
        content_type="multipart/form-data",
    )


def test_an_owner_brands_a_location(owner, kiosk, app, demo):
    listing = owner.get("/admin/branding/").get_data(as_text=True)
    assert "Demo shop" in listing and "House colour" in listing
    saved = post(owner, demo.location_id, png(), display_name="Demo Café", accent_color="#1b5e20")
    assert saved.status_code == 200 and saved.headers["HX-Redirect"]
    page = owner.get(saved.headers["HX-Redirect"]).get_data(as_text=True)
    assert "The branding of Demo shop is saved." in page and 'alt="Current logo"' in page
    assert "Demo Café" in kiosk.get("/kiosk/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("logo", "name", "fields", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg", {}, "not a PNG, JPEG"),
        (b"GIF89a<script>alert(1)</script>", "logo.gif", {}, "not a PNG, JPEG"),
        (None, "", {"accent_color": "#ffff00"}, "hard to read"),
        (None, "", {"display_name": "n" * 121}, "under 120 characters"),
    ],
)
def test_bad_branding_is_refused_in_the_form(owner, app, demo, logo, name, fields, message):
    refused = post(owner, demo.location_id, logo, name, **fields)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<html" not in html
    assert message in html and "Nothing was saved." in html
    with app.app_context():
        assert db.session.scalars(select(LocationBrand)).all() == []


def test_an_upload_far_over_the_limit_is_refused_before_it_is_read(owner, app, demo):
    # Encoded here as bytes: the test client would spool so large a body to a temporary file.
    fields = {"csrf_token": token(owner, demo.location_id)}
    fields["logo"] = FileStorage(BytesIO(b"\x89PNG" + b"0" * 700_000), "logo.png")
    boundary, body = encode_multipart(fields)
    refused = owner.post(
        f"/admin/branding/{demo.location_id}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert refused.status_code == 413


def test_a_branding_post_without_csrf_token_is_refused(owner, demo):
    response = owner.post(f"/admin/branding/{demo.location_id}", data={"accent_color": "#000000"})
    assert response.status_code == 400
