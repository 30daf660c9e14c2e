"""The password policy: at least 12 characters and none of the most common passwords."""

import pytest

from surveys.people.accounts import generate_password
from surveys.people.passwords import common_passwords, password_problem
from tests.conftest import KNOWN_PASSWORD


@pytest.mark.parametrize(
    "password",
    ["qwerty123456", "QWERTY123456", "Password1234", "1q2w3e4r5t6y", " justinbieber "],
)
def test_a_common_password_is_refused_whatever_its_case(app_context, password):
    assert "most common passwords" in password_problem(password)


def test_a_short_password_is_refused_before_anything_else(app_context):
    assert "at least 12 characters" in password_problem("k7#Lq9!mZ2w")


def test_ones_own_email_is_no_password(app_context):
    problem = password_problem("Maria.Long@shop.example", "maria.long@shop.example")
    assert "e-mail address" in problem
    assert "e-mail address" in password_problem("marialongname", "marialongname@shop.example")


def test_a_few_unrelated_words_make_a_good_password(app_context):
    assert password_problem("lantern orbit pickle crane") is None


def test_the_test_and_generated_passwords_satisfy_the_policy(app_context):
    assert password_problem(KNOWN_PASSWORD) is None
    assert all(password_problem(generate_password()) is None for _ in range(20))


def test_the_shipped_list_is_read_whole_without_its_header():
    passwords = common_passwords()
    assert len(passwords) == 19_640
    assert {"123456", "password", "qwerty123456"} <= passwords
    assert not any(line.startswith("# ") for line in passwords)
