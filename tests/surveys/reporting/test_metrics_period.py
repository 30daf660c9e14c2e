"""Dashboard periods: the filter a manager chooses, and its mistakes refused in words."""

from datetime import date

import pytest

from surveys.errors import PeriodInvalid, SubmissionInvalid
from surveys.reporting.metrics import PERIOD_KINDS, Period

TODAY = date(2026, 3, 29)


def test_fixed_periods_end_today():
    assert Period.parse("today", None, None, TODAY) == Period(TODAY, TODAY)
    assert Period.parse("7d", None, None, TODAY) == Period(date(2026, 3, 23), TODAY)
    assert Period.parse("30d", "ignored", None, TODAY).days == 30
    assert PERIOD_KINDS == ("today", "7d", "30d", "custom")


def test_custom_period_reads_iso_dates():
    period = Period.parse("custom", "2026-02-27", "2026-03-02", TODAY)
    assert period == Period(date(2026, 2, 27), date(2026, 3, 2))
    assert period.days == 4


def test_previous_period_has_the_same_length_just_before():
    assert Period(date(2026, 3, 1), date(2026, 3, 7)).previous() == Period(
        date(2026, 2, 22), date(2026, 2, 28)
    )
    assert Period(TODAY, TODAY).previous() == Period(date(2026, 3, 28), date(2026, 3, 28))


@pytest.mark.parametrize(
    ("kind", "first", "last", "field"),
    [
        ("yesterday", None, None, "period"),
        ("custom", "29/03/2026", "2026-03-29", "first"),
        ("custom", "2026-03-01", None, "last"),
        ("custom", "2026-02-30", "2026-03-01", "first"),
        ("custom", "2026-03-10", "2026-03-09", "last"),
        ("custom", "2024-03-27", "2026-03-28", "last"),
        ("custom", "2026-03-29", "2026-03-30", "last"),
        # Found by fuzzing: the period before year 1 fell off the calendar (a 500).
        ("custom", "0001-01-01", "0001-01-01", "first"),
        ("custom", "1999-12-31", "2000-01-01", "first"),
    ],
)
def test_bad_periods_are_refused_with_a_message(app_context, kind, first, last, field):
    with pytest.raises(PeriodInvalid) as refused:
        Period.parse(kind, first, last, TODAY)
    assert isinstance(refused.value, SubmissionInvalid)
    assert refused.value.status == 422
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field]


def test_two_years_is_the_longest_period():
    assert Period.parse("custom", "2024-03-29", "2026-03-29", TODAY).days == 731


def test_refusal_is_in_the_managers_language(app_context):
    from flask_babel import force_locale

    with force_locale("sq"), pytest.raises(PeriodInvalid) as refused:
        Period.parse("custom", "2026-03-10", "2026-03-09", TODAY)
    assert refused.value.errors["last"] == "Dita e fundit nuk mund të jetë para së parës."
