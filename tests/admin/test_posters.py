"""The printable poster and table tent: behind the login, only for the location's people."""

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest

from surveys.db import db
from surveys.languages import SUPPORTED_LANGUAGES
from surveys.models import Location, Role
from surveys.people.accounts import create_user
from surveys.places.locations import create_location
from tests.admin.test_auth import login

PASSWORD = "a-long-enough-password"


def poster_path(location_id: int, suffix: str = "") -> str:
    return f"/admin/locations/{location_id}/poster{suffix}"


@pytest.fixture
def owner(client, demo):
    """A client signed in as the demo owner."""
    assert login(client, demo.owner_email, demo.owner_password).status_code == 303
    return client


def sign_in_manager(app, client, email: str, location_ids: list[int]) -> None:
    """Create a manager of these locations and sign the client in as them."""
    with app.app_context():
        manager = create_user(email, PASSWORD, Role.MANAGER)
        manager.locations = [db.session.get(Location, i) for i in location_ids]
        db.session.commit()
    assert login(client, email, PASSWORD).status_code == 303


def test_anonymous_visitors_are_sent_to_the_login(client, demo):
    for suffix in ("", ".svg", ".png"):
        response = client.get(poster_path(demo.location_id, suffix))
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_poster_shows_the_name_the_invitation_in_every_language_and_the_qr(owner, demo):
    response = owner.get(poster_path(demo.location_id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Demo shop</h1>" in html and 'class="poster poster-a4"' in html
    assert re.findall(r'class="poster-invitation[^"]*" lang="(\w+)"', html) == list(
        SUPPORTED_LANGUAGES
    )
    assert "Ինչպե՞ս անցավ Ձեր այցն այսօր։" in html  # the Armenian invitation
    assert f'src="{poster_path(demo.location_id, ".svg")}"' in html
    link = re.search(r'<p class="poster-link">([^<]+)</p>', html).group(1)
    assert link.startswith("http://localhost/p/")
    assert owner.get(link.removeprefix("http://localhost")).status_code == 200


def test_the_table_tent_is_the_same_page_in_a6(owner, demo):
    html = owner.get(poster_path(demo.location_id) + "?format=a6").get_data(as_text=True)
    assert 'class="poster poster-a6"' in html
    assert owner.get(poster_path(demo.location_id) + "?format=a0").status_code == 404


def test_the_qr_code_as_svg_and_as_a_png_at_print_resolution(owner, demo):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    html = owner.get(poster_path(demo.location_id)).get_data(as_text=True)
    link = re.search(r'<p class="poster-link">([^<]+)</p>', html).group(1)
    svg = owner.get(poster_path(demo.location_id, ".svg"))
    assert svg.mimetype == "image/svg+xml"
    ElementTree.fromstring(svg.data)
    png = owner.get(poster_path(demo.location_id, ".png"))
    picture = image.open(io.BytesIO(png.data))
    assert png.mimetype == "image/png" and picture.size == (1500, 1500)
    assert tuple(map(round, picture.info["dpi"])) == (300, 300)
    assert [b.text for b in zxingcpp.read_barcodes(picture)] == [link]
    smaller = owner.get(poster_path(demo.location_id, ".png?size=600"))
    assert image.open(io.BytesIO(smaller.data)).width == 600


@pytest.mark.parametrize("size", ["10", "100000", "-1", "big"])
def test_png_sizes_out_of_range_are_a_clear_400(owner, demo, size):
    response = owner.get(poster_path(demo.location_id, f".png?size={size}"))
    assert response.status_code == 400
    assert "between 64 and 4096 pixels" in response.get_data(as_text=True)


def test_a_manager_sees_only_their_own_locations_posters(app, client, demo):
    with app.app_context():
        other = create_location("Other shop", "UTC", ["en"], "en")
        db.session.commit()
        other_id = other.id
    sign_in_manager(app, client, "manager@example.com", [other_id])
    for suffix in ("", ".svg", ".png"):
        assert client.get(poster_path(demo.location_id, suffix)).status_code == 404
    assert client.get(poster_path(other_id)).status_code == 200
    assert client.get(poster_path(9999)).status_code == 404
