"""The account page's choice of how alerts reach a person: channels and quiet hours."""

from surveys.db import db
from surveys.models import User
from tests.admin.conftest import post_form

GOOD = {"push": "on", "quiet_start": "22:00", "quiet_end": "07:30", "timezone": "Asia/Yerevan"}


def test_a_manager_chooses_push_only_and_quiet_nights(app, signed_in, shops):
    manager = signed_in("manager_a")
    assert "How alerts reach you" in manager.get("/admin/account").text
    response = post_form(manager, "/admin/account/notifications", GOOD)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/account"
    page = manager.get("/admin/account").text
    assert "Your choice of how alerts reach you is saved." in page
    assert 'value="22:00"' in page and "<option selected>Asia/Yerevan</option>" in page
    with app.app_context():
        user = db.session.get(User, shops.manager_a)
        assert (user.notify_push, user.notify_email) == (True, False)
        assert (user.quiet_start, user.quiet_end, user.timezone) == (
            "22:00",
            "07:30",
            "Asia/Yerevan",
        )


def test_bad_quiet_hours_are_refused_in_the_managers_language_and_nothing_changes(
    app, signed_in, shops
):
    manager = signed_in("manager_a")
    for form, reason in [
        ({"quiet_start": "25:99", "quiet_end": "07:00"}, "Please give a time like 22:00."),
        ({"quiet_start": "22:00"}, "Please give both ends of the quiet hours, or neither."),
        ({"quiet_start": "08:00", "quiet_end": "08:00"}, "must end at another time"),
        ({"timezone": "Mars/Olympus"}, "Please choose a time zone from the list."),
    ]:
        response = post_form(manager, "/admin/account/notifications", form)
        assert response.status_code == 422 and reason in response.text
    manager.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sq"
    response = post_form(manager, "/admin/account/notifications", {"quiet_start": "x"})
    assert response.status_code == 422 and "Ju lutemi jepni një orë si 22:00." in response.text
    with app.app_context():
        user = db.session.get(User, shops.manager_a)
        assert (user.notify_push, user.notify_email, user.quiet_start) == (True, True, None)


def test_the_form_needs_its_csrf_token(signed_in):
    manager = signed_in("manager_a")
    response = manager.post("/admin/account/notifications", data=GOOD)
    assert response.status_code == 400
