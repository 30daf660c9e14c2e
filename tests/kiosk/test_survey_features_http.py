"""The kiosk with edited surveys: conditional questions, language fallback, right-to-left and
branding, over HTTP."""

from io import BytesIO

from PIL import Image
from sqlalchemy import select, update

from surveys.authoring.templates import create_from_template
from surveys.db import db
from surveys.models import Answer, Location, Question, Response, SurveyAssignment
from surveys.places.branding import update_brand
from tests.conftest import fresh_response_id

PARTIAL = {"HX-Request-Type": "partial"}


def show_template(app, demo, template: str) -> dict[str, int]:
    """Put a ready template on the demo kiosk; its question ids by key."""
    with app.test_request_context():
        survey = create_from_template(template)
        db.session.execute(
            update(SurveyAssignment)
            .where(SurveyAssignment.location_id == demo.location_id)
            .values(survey_id=survey.id)
        )
        db.session.commit()
        return {q.key: q.id for q in survey.questions}


def tap(kiosk, question_id: int, rating: int, language: str = "en"):
    start = kiosk.get(f"/kiosk/?lang={language}").get_data(as_text=True)
    form = {
        "response_id": fresh_response_id(start),
        "question": str(question_id),
        "rating": str(rating),
        "language": language,
    }
    return form["response_id"], kiosk.post("/kiosk/responses", data=form, headers=PARTIAL)


def test_nps_conditions_pick_the_follow_up_questions(app, kiosk, demo):
    ids = show_template(app, demo, "nps")
    _id, detractor = tap(kiosk, ids["nps"], 3)
    html = detractor.get_data(as_text=True)
    assert "We are sorry to hear that." in html
    assert "What should we do better?" in html and "What did you like most?" not in html
    assert html.count('name="rating"') == 0
    _id, promoter = tap(kiosk, ids["nps"], 10)
    html = promoter.get_data(as_text=True)
    assert "Thank you! A little more, if you like." in html
    assert "What did you like most?" in html and "What should we do better?" not in html
    _id, passive = tap(kiosk, ids["nps"], 7)
    assert "Thank you!" in passive.get_data(as_text=True)
    assert 'class="follow-up"' not in passive.get_data(as_text=True)


def test_a_question_depending_on_the_same_screen_starts_hidden_and_is_checked_again(
    app, kiosk, demo
):
    ids = show_template(app, demo, "restaurant")
    response_id, screen = tap(kiosk, ids["rating"], 1)
    html = screen.get_data(as_text=True)
    assert "What was wrong with the food?" in html
    assert f"&#34;field&#34;: &#34;q{ids['topics']}&#34;" in html and "hidden>" in html
    url = f"/kiosk/responses/{response_id}/follow-up"
    answers = {f"q{ids['topics']}": ["waiting"], f"q{ids['food']}": ["cold"]}
    assert kiosk.post(url, data=answers).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(Answer.choice).where(Answer.choice.is_not(None)))
        assert list(stored) == ["waiting"]  # the food answer did not apply, so it is dropped


def test_a_follow_up_rating_is_stored_and_an_unhappy_one_raises_an_alert(app, kiosk, demo):
    ids = show_template(app, demo, "blank")
    with app.test_request_context():
        survey_id = db.session.get(Question, ids["rating"]).survey_id
        db.session.add(
            Question(
                survey_id=survey_id,
                position=1,
                kind="stars",
                texts={"en": "And the coffee?"},
                negative_at_or_below=2,
            )
        )
        db.session.commit()
        stars = db.session.scalar(select(Question.id).where(Question.kind == "stars"))
    response_id, screen = tap(kiosk, ids["rating"], 3)
    html = screen.get_data(as_text=True)
    assert "And the coffee?" in html and html.count(f'name="q{stars}"') == 5
    bad = kiosk.post(f"/kiosk/responses/{response_id}/follow-up", data={f"q{stars}": "9"})
    assert bad.status_code == 422
    kiosk.post(f"/kiosk/responses/{response_id}/follow-up", data={f"q{stars}": "1"})
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.is_negative and response.alert.reason == "rating"
        assert [a.number for a in response.answers] == [3, 1]


def test_a_missing_translation_falls_back_to_the_locations_default_language(app, kiosk, demo):
    ids = show_template(app, demo, "quick_faces")
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        location.languages, location.default_language = ["sq", "en", "hy"], "sq"
        for question in db.session.scalars(select(Question)):
            question.texts = {k: v for k, v in question.texts.items() if k in ("en", "sq")}
            question.options = [
                {**o, "texts": {k: v for k, v in o["texts"].items() if k in ("en", "sq")}}
                for o in question.options
            ]
        db.session.commit()
    start = kiosk.get("/kiosk/?lang=hy").get_data(as_text=True)
    assert '<html lang="hy"' in start and "Si ishte vizita juaj sot?" in start
    _id, screen = tap(kiosk, ids["rating"], 1, language="hy")
    html = screen.get_data(as_text=True)
    assert "Koha e pritjes" in html  # the topic in Albanian, not an empty chip
    assert "<span></span>" not in html


def test_persian_mirrors_the_page_and_keeps_the_worst_face_first_in_the_markup(kiosk):
    html = kiosk.get("/kiosk/?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    assert "مراجعه‌ی امروزتان چطور بود؟" in html
    assert html.index('value="1"') < html.index('value="5"')  # mirrored by CSS, not by order


def png() -> bytes:
    output = BytesIO()
    Image.new("RGB", (40, 20), (10, 90, 170)).save(output, format="PNG")
    return output.getvalue()


def test_the_kiosk_shows_the_locations_name_logo_and_accent(app, kiosk, client, demo):
    with app.test_request_context():
        location = db.session.get(Location, demo.location_id)
        update_brand(location, "Café Noor", "#7b1fa2", png(), False)
        db.session.commit()
    html = kiosk.get("/kiosk/").get_data(as_text=True)
    assert "Café Noor" in html and f'data-brand="{demo.location_id}"' in html
    css = client.get(f"/kiosk/brand/{demo.location_id}.css")
    assert css.mimetype == "text/css" and "--accent: #7b1fa2" in css.get_data(as_text=True)
    logo = client.get(f"/kiosk/brand/{demo.location_id}/logo.png")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert logo.data.startswith(b"\x89PNG")
    assert client.get("/kiosk/brand/999/logo.png").status_code == 404
    assert client.get("/kiosk/brand/999.css").get_data(as_text=True) == ""
