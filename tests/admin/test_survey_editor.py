"""The survey editor over HTTP: templates, unsaved actions, saving and versions, refusals,
CSRF, who may see what, assignments and the preview."""

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from surveys.authoring.templates import create_from_template
from surveys.db import db
from surveys.models import Channel, Location, Response, Role, Survey, SurveyAssignment
from surveys.people.accounts import create_user
from surveys.places.locations import assign_survey, create_location
from tests.admin.forms import read_form
from tests.admin.test_auth import login

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def owner(client, demo):
    assert login(client, demo.owner_email, demo.owner_password).status_code == 303
    return client


def csrf_header(client, path="/admin/surveys/") -> dict:
    html = client.get(path).get_data(as_text=True)
    return {"X-CSRFToken": re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)}


def editor_form(client, survey_id: int) -> dict[str, list[str]]:
    return read_form(
        client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True), "survey-form"
    )


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_owner_starts_from_a_template_in_one_click(owner, app):
    page = owner.get("/admin/surveys/").get_data(as_text=True)
    for title in ["Quick faces with follow-up", "Net Promoter Score (NPS)", "Restaurant", "Retail"]:
        assert title in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    created = owner.post("/admin/surveys/", data={"template": "retail", "csrf_token": token})
    assert created.status_code == 303
    editor = owner.get(created.headers["Location"]).get_data(as_text=True)
    assert "How was your shopping today?" in editor and "Queue at the checkout" in editor
    assert "Missing translation" not in editor  # ready templates come translated


def test_editor_actions_change_the_form_and_store_nothing(owner, app, demo):
    form = editor_form(owner, demo.survey_id) | {"action": ["add:choice"]}
    response = owner.post(f"/admin/surveys/{demo.survey_id}", data=form, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "HX-Request-Type" in response.headers["Vary"]
    assert "Changes not saved yet." in html and 'name="q-6-opt-1-value"' in html
    form = read_form(html, "survey-form") | {"action": ["up:6"]}
    moved = read_form(
        owner.post(f"/admin/surveys/{demo.survey_id}", data=form).get_data(True), "survey-form"
    )
    assert moved["q-5-kind"] == ["choice"]
    with app.app_context():
        assert len(db.session.get(Survey, demo.survey_id).questions) == 6


def test_saving_a_live_survey_publishes_a_new_version(owner, kiosk, app, demo):
    form = editor_form(owner, demo.survey_id)
    form["q-0-text-en"] = ["How did we do today?"]
    saved = owner.post(
        f"/admin/surveys/{demo.survey_id}", data=form | {"action": ["save"]}, headers=HTMX
    )
    assert saved.status_code == 200
    new_url = saved.headers["HX-Redirect"]
    page = owner.get(new_url).get_data(as_text=True)
    assert "Saved as version 2. Answers given before keep version 1." in page
    assert "How did we do today?" in kiosk.get("/kiosk/").get_data(as_text=True)
    old_page = owner.get(f"/admin/surveys/{demo.survey_id}").get_data(as_text=True)
    assert "This is an earlier version" in old_page and 'name="q-0-text-en"' in old_page
    assert '<fieldset class="plain" disabled>' in old_page
    with app.app_context():
        assert db.session.scalar(select(SurveyAssignment.survey_id)) != demo.survey_id


def test_a_plain_form_post_is_redirected_after_saving(owner, app):
    with app.test_request_context():
        draft_id = create_from_template("nps").id
        db.session.commit()
    form = editor_form(owner, draft_id) | {"name": ["NPS, till 2"], "action": ["save"]}
    saved = owner.post(f"/admin/surveys/{draft_id}", data=form)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/{draft_id}")
    assert "Saved." in owner.get(saved.headers["Location"]).get_data(as_text=True)


def set_condition(form, i, question, op="<=", value="2"):
    form[f"q-{i}-cond-question"], form[f"q-{i}-cond-op"], form[f"q-{i}-cond-value"] = (
        [question],
        [op],
        [value],
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: set_condition(f, 1, f["q-3-key"][0]), "only refer to an earlier question"),
        (lambda f: set_condition(f, 2, "kgone1234"), "refers to a question that no longer exists"),
        (lambda f: set_condition(f, 2, f["q-2-key"][0]), "cannot depend on its own answer"),
        (lambda f: f.update({"q-0-kind": ["text"]}), "needs a rating question"),
        (lambda f: f.update({"q-1-opt-1-value": ["waiting"]}), "Two options have the value"),
        (lambda f: f.update({"q-1-text-fa": ["ب" * 301]}), "under 300 characters"),
        (lambda f: f.update({"name": [""]}), "Please give the survey a name."),
    ],
)
def test_a_bad_survey_is_refused_with_422_and_nothing_is_saved(owner, app, demo, change, message):
    form = editor_form(owner, demo.survey_id)
    change(form)
    refused = owner.post(
        f"/admin/surveys/{demo.survey_id}", data=form | {"action": ["save"]}, headers=HTMX
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<html" not in html
    assert message in html and "Nothing was saved." in html
    assert 'class="field-error"' in html and 'role="alert"' in html
    assert count(app, Survey) == 1
    with app.app_context():
        assert db.session.get(Survey, demo.survey_id).superseded_at is None


def test_an_editor_post_without_csrf_token_is_refused(owner, app, demo):
    form = editor_form(owner, demo.survey_id)
    del form["csrf_token"]
    assert owner.post(f"/admin/surveys/{demo.survey_id}", data=form).status_code == 400
    headers = HTMX | csrf_header(owner)
    assert (
        owner.post(f"/admin/surveys/{demo.survey_id}", data=form, headers=headers).status_code
        == 200
    )


def test_a_survey_in_many_scripts_may_exceed_the_kiosks_body_limit(owner, app, demo):
    form = editor_form(owner, demo.survey_id) | {"action": ["save"]}
    for name in [name for name in form if "-text-" in name]:
        form[name] = ["ذ" * 290]  # the longest allowed text, in a script of two-byte letters
    assert len(urlencode(form, doseq=True)) > 64 * 1024
    assert owner.post(f"/admin/surveys/{demo.survey_id}", data=form).status_code == 303
    huge = form | {"q-0-text-en": ["x" * 600_000]}
    assert owner.post(f"/admin/surveys/{demo.survey_id}", data=huge).status_code == 413


@pytest.fixture
def other_location(app, demo):
    """A second shop with its own survey, and a manager of the demo shop only."""
    with app.test_request_context():
        other = create_location("Harbour branch", "UTC", ["en"], "en")
        db.session.flush()
        survey = create_from_template("restaurant", name="Harbour menu survey")
        assign_survey(survey, other, Channel.KIOSK)
        manager = create_user("manager@example.com", "manager-password-1", Role.MANAGER)
        manager.locations = [db.session.get(Location, demo.location_id)]
        create_user("staff@example.com", "staff-password-1", Role.STAFF)
        db.session.commit()
        return survey.id


def test_a_manager_views_their_locations_survey_and_nothing_else(client, app, demo, other_location):
    assert login(client, "manager@example.com", "manager-password-1").status_code == 303
    listing = client.get("/admin/surveys/").get_data(as_text=True)
    assert "Quick faces" in listing and "Harbour" not in listing
    assert "Start from a ready template" not in listing
    page = client.get(f"/admin/surveys/{demo.survey_id}").get_data(as_text=True)
    assert "only an owner changes it" in page and "Harbour" not in page
    assert client.get(f"/admin/surveys/{demo.survey_id}/preview?lang=hy").status_code == 200
    assert client.get(f"/admin/surveys/{other_location}").status_code == 404
    assert client.get(f"/admin/surveys/{other_location}/preview").status_code == 404
    form = editor_form(client, demo.survey_id) | {"action": ["save"]}
    assert client.post(f"/admin/surveys/{demo.survey_id}", data=form).status_code == 403
    assert client.get("/admin/branding/").status_code == 403


def test_staff_do_not_open_the_survey_pages(client, app, demo, other_location):
    login(client, "staff@example.com", "staff-password-1")
    assert client.get("/admin/surveys/").status_code == 403
    assert client.get(f"/admin/surveys/{demo.survey_id}").status_code == 404


def test_an_owner_moves_a_survey_onto_locations_and_channels(owner, app, demo, other_location):
    headers = HTMX | csrf_header(owner)
    slots = {"slot": [f"{demo.location_id}:receipt", f"{demo.location_id}:kiosk"]}
    moved = owner.post(f"/admin/surveys/{other_location}/assignments", data=slots, headers=headers)
    assert moved.status_code == 200 and moved.headers["HX-Redirect"]
    with app.app_context():
        rows = db.session.execute(
            select(SurveyAssignment.location_id, SurveyAssignment.channel).where(
                SurveyAssignment.location_id == demo.location_id,
                SurveyAssignment.survey_id == other_location,
            )
        )
        assert sorted(rows.all()) == [(demo.location_id, "kiosk"), (demo.location_id, "receipt")]
    before = count(app, SurveyAssignment)
    bad = {"slot": ["999:kiosk"]}
    owner.post(f"/admin/surveys/{other_location}/assignments", data=bad, headers=headers)
    assert count(app, SurveyAssignment) == before


def test_the_preview_shows_a_phone_in_persian_and_stores_nothing(owner, app, demo):
    url = f"/admin/surveys/{demo.survey_id}/preview?device=phone&lang=fa&after=1"
    preview = owner.get(url, headers=HTMX)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<html" not in html
    assert 'class="preview-device preview-phone"' in html
    assert 'lang="fa" dir="rtl"' in html and " inert>" in html
    assert "چه چیزی درست پیش نرفت؟" in html  # the follow-up after a tap on 1
    full = owner.get(url.replace("lang=fa", "lang=xx"))
    assert "<html" in full.get_data(as_text=True) and 'lang="en" dir="ltr"' in full.get_data(True)
    assert count(app, Response) == 0
