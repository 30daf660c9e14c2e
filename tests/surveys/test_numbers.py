"""Whole numbers from forms: plain ASCII digits within the database's integers, else None."""

import pytest

from surveys.numbers import MAX_ID, whole_number


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID)],
)
def test_plain_digits_are_read(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text",
    [None, "", " 4", "-1", "1.5", "²", "٣", "４", str(MAX_ID + 1), "9" * 40, "0x10", "1e3"],
)
def test_anything_else_is_none(text):
    assert whole_number(text) is None


def test_a_smaller_maximum_holds():
    assert whole_number("999", 999) == 999 and whole_number("1000", 999) is None
