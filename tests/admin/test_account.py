"""The account page: a password change and "sign out everywhere" end older sessions."""

from surveys.db import db
from surveys.models import User
from tests.admin.conftest import post_form
from tests.conftest import KNOWN_PASSWORD

NEW_PASSWORD = "a much longer password"


def change(client, current=KNOWN_PASSWORD, new=NEW_PASSWORD, confirmation=NEW_PASSWORD):
    form = {"current_password": current, "new_password": new, "confirmation": confirmation}
    return post_form(client, "/admin/account/password", form)


def test_a_password_change_ends_every_other_session_but_this_one(signed_in):
    office, phone = signed_in("manager_a"), signed_in("manager_a")
    response = change(office)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/account"
    assert "Every other session has ended." in office.get("/admin/account").text
    assert office.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302


def test_a_short_new_password_comes_back_with_the_reason(signed_in):
    response = change(signed_in("manager_a"), new="short", confirmation="short")
    assert response.status_code == 422
    assert "The new password needs at least 12 characters." in response.text


def test_a_wrong_current_password_is_refused(signed_in):
    response = change(signed_in("manager_a"), current="guess")
    assert response.status_code == 422 and "That is not your current password." in response.text


def test_wrong_current_passwords_are_throttled_too(app, signed_in):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "2 per 15 minutes"
    manager = signed_in("manager_a")
    assert [change(manager, current="guess").status_code for _ in range(3)] == [422, 422, 429]


def test_sign_out_everywhere_ends_every_session(signed_in):
    office, phone = signed_in("staff_a"), signed_in("staff_a")
    response = post_form(office, "/admin/account/sessions/end")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"
    assert office.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302


def test_a_common_password_is_refused_in_the_managers_language(signed_in):
    manager = signed_in("manager_a")
    manager.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sq"
    response = change(manager, new="Qwerty123456", confirmation="Qwerty123456")
    assert response.status_code == 422
    assert "një nga fjalëkalimet më të zakonshme" in response.text
    assert manager.get("/admin/").status_code == 200  # nothing changed, still signed in


def test_a_manager_opts_in_to_the_weekly_digest_in_armenian(app, signed_in, shops):
    manager = signed_in("manager_a")
    page = manager.get("/admin/account").text
    assert "Digest e-mail" in page and 'value="off" checked' in page
    form = {"frequency": "weekly", "language": "hy"}
    response = post_form(manager, "/admin/account/digest", form)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/account"
    page = manager.get("/admin/account").text
    assert "Your digest choice is saved." in page and 'value="weekly" checked' in page
    with app.app_context():
        user = db.session.get(User, shops.manager_a)
        assert (user.digest_frequency, user.digest_language) == ("weekly", "hy")


def test_an_unknown_digest_choice_is_refused_and_nothing_changes(app, signed_in, shops):
    manager = signed_in("manager_a")
    response = post_form(
        manager, "/admin/account/digest", {"frequency": "hourly", "language": "xx"}
    )
    assert response.status_code == 422
    assert "Please choose off, daily or weekly." in response.text
    assert "Please choose one of the languages offered." in response.text
    with app.app_context():
        assert db.session.get(User, shops.manager_a).digest_frequency == "off"


def test_staff_are_not_offered_a_digest(signed_in):
    staff = signed_in("staff_a")
    assert "Digest e-mail" not in staff.get("/admin/account").text
    form = {"frequency": "daily", "language": "en"}
    assert post_form(staff, "/admin/account/digest", form).status_code == 422
