"""Fuzzing the admin, signed in as the owner and as a manager: every form the admin's pages
show (cases, coupons, locations, users, staff, tablets, branding, the survey editor, the
account) and every page's query string (inbox filters, feed cursors, previews), with
hostile fields, ids, bodies, headers and CSRF tokens. No answer is a server error, and
the database stays consistent.

The forms are read from the pages once, before fuzzing, so what each example sends is
drawn without depending on the server's answers.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from surveys.db import db
from surveys.models import Alert, Outcome, Remedy, Response, User
from tests.admin.conftest import csrf_token, sign_in_as
from tests.fuzz.conftest import Accepted, fuzz_settings
from tests.fuzz.hostile import HOSTILE_TEXT, HOSTILE_VALUE, pick
from tests.fuzz.pages import PageForm, page_forms
from tests.fuzz.wire import (
    Sent,
    Tally,
    encode_form,
    hostile_headers,
    mutate_pairs,
    send,
    with_body_shape,
)
from wsgi import app as module_app

QUERY_NAMES = ["location", "status", "cursor", "after", "lang", "device", "page", "next", "q"]
HOSTILE_IDS = ["0", "2147483647", "2147483648", str(10**20), "-1", "٣"]
CSRF = "{csrf}"  # filled in with the session's token when the request is sent
SHARE_PER_ROLE = 0.1  # the admin gets a fifth of the public examples, half per role


def admin_get_paths(values: dict[str, int]) -> list[str]:
    """Every admin page that a GET opens, with the ids of existing objects."""
    paths = []
    for rule in module_app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods:
            if rule.arguments <= set(values):
                paths.append(rule.build({n: values[n] for n in rule.arguments})[1])
    return sorted(paths)


def spared(action: str, actors: set[int]) -> bool:
    """Forms the fuzzer leaves alone: signing out, or changing the fuzzing accounts."""
    found = re.match(r"/admin/users/(\d+)/", action)
    return action.startswith("/admin/logout") or bool(found and int(found.group(1)) in actors)


def crawl(client, paths: list[str], actors: set[int]) -> dict[str, PageForm]:
    """The forms the pages show, by action (fields of same-action forms merged)."""
    forms: dict[str, PageForm] = {}
    for path in paths:
        page = client.get(path)
        if page.mimetype != "text/html":
            continue
        for form in page_forms(page.get_data(as_text=True)):
            if "{" in form.action or spared(form.action, actors):
                continue
            merged = forms.setdefault(f"{form.method} {form.action}", form)
            for name, values in form.fields.items():
                for value in values:
                    merged.offer(name, value)
    return forms


def label_for(request: Sent) -> str:
    """The endpoint a request reaches, for the tally."""
    adapter = module_app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(request.path.split("?")[0], method=request.method)
    except Exception:  # noqa: BLE001 (a 404 or 405 is a label too)
        endpoint = "no route"
    return f"{request.method} {endpoint}"


@pytest.fixture
def actors(app, cast, new_alert):
    """Cases in every state at both shops; the owner and the demo shop's manager, by id."""
    cases = [new_alert(email="ani@example.com") for _ in range(4)] + [new_alert(cast.other_shop_id)]
    with app.app_context():
        ids = dict(db.session.execute(select(User.email, User.id)).all())
        owner = db.session.get(User, ids[cast.owner])
        first, second, third = (db.session.get(Alert, n) for n in cases[1:4])
        for alert in (first, second, third):
            alert.acknowledge(owner)
        for alert in (second, third):
            alert.resolve(owner, Remedy.APOLOGY)
        third.close(owner, Outcome.WON_BACK)
        db.session.commit()
        return {"owner": ids[cast.owner], "manager": ids[cast.manager], "cases": cases}


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_the_admin_survives_hostile_requests(app, cast, actors, role):
    tally, client = Tally(), app.test_client()
    sign_in_as(app, client, actors[role])
    with app.app_context():
        before = Accepted()
        before.taps = set(db.session.scalars(select(Response.uuid)))
        digests = select(Response.uuid).where(Response.follow_up_digest.is_not(None))
        before.follow_ups = set(db.session.scalars(digests))
    values = {"location_id": cast.shop_id, "user_id": cast.manager_id, "alert_id": 1}
    values |= {"survey_id": 1, "staff_id": 1, "device_id": 1, "coupon_id": 1}
    pages = admin_get_paths(values) + [f"/admin/alerts/{n}" for n in actors["cases"]]
    forms = sorted(crawl(client, pages, {actors["owner"], actors["manager"]}).items())
    session = {"token": csrf_token(client, "/admin/account")}

    @st.composite
    def admin_request(draw) -> Sent:
        """A page with a hostile query, or one of the forms, mutated."""
        if draw(st.integers(0, 3)) == 0:
            names = draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=3))
            query = "&".join(f"{n}={quote(draw(HOSTILE_TEXT), safe='')}" for n in names)
            return Sent("", "GET", f"{pick(draw, pages)}?{query}", headers=hostile_headers(draw))
        _key, form = pick(draw, forms)
        action = form.action
        if draw(st.integers(0, 5)) == 0:
            action = re.sub(r"/\d+(?=/|$)", "/" + pick(draw, HOSTILE_IDS), action, count=1)
        if form.method == "get":  # the inbox filters
            query = encode_form(mutate_pairs(draw, form.fields)).decode()
            return Sent("", "GET", f"{action}?{query}", headers=hostile_headers(draw))
        fields = {name: v for name, v in form.fields.items() if name != "csrf_token"}
        token = CSRF if draw(st.integers(0, 9)) else pick(draw, ["", "x", CSRF + "x"])
        pairs = [("csrf_token", token), *mutate_pairs(draw, fields)]
        request = Sent("", "POST", action, headers=hostile_headers(draw))
        if draw(st.integers(0, 15)) == 0:
            pairs.append((draw(HOSTILE_TEXT), draw(HOSTILE_VALUE)))
        return with_body_shape(draw, request, pairs)

    @fuzz_settings(SHARE_PER_ROLE)
    @given(admin_request())
    def run(request):
        request.label = label_for(request)
        if isinstance(request.body, bytes):
            request.body = request.body.replace(b"%7Bcsrf%7D", session["token"].encode())
        elif isinstance(request.body, dict):
            request.body = {n: v.replace(CSRF, session["token"]) for n, v in request.body.items()}
        response = send(client, request, tally)
        if "/admin/login" in response.headers.get("Location", ""):
            sign_in_as(app, client, actors[role])  # a form ended the session: start again
            session["token"] = csrf_token(client, "/admin/account")

    run()
    tally.save(f"admin as {role}")
    before.check(app)
    done = [k for k in tally.statuses if k.startswith("POST") and int(k.split()[-1]) < 400]
    assert done  # some forms went through, not only refusals
