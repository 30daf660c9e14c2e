"""How the dashboard words its numbers: durations, changes, better or worse."""

import pytest

from admin.dashboard_figures import duration, figure


@pytest.fixture
def english(app):
    """A request in English, for the formatters."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (42, "42 seconds"),
        (75, "1 minute"),
        (5400, "1 hour, 30 minutes"),
        (3605, "1 hour"),
        (2 * 86400 + 5 * 3600 + 60, "2 days, 5 hours"),
    ],
)
def test_durations_read_in_their_two_largest_units(english, seconds, words):
    assert duration(seconds) == words


def test_a_lower_share_of_negative_answers_is_better(english):
    shown = figure("negative_share", "Negative", 0.1, 0.25, "share", better="down")
    assert (shown.value, shown.previous, shown.change) == ("10%", "25%", "-15 points")
    assert (shown.trend, shown.verdict) == ("down", "better")


def test_a_change_too_small_to_show_is_no_change(english):
    shown = figure("average_rating", "Average", 4.21, 4.18, "rating")
    assert (shown.change, shown.trend, shown.verdict) == ("no change", "same", "same")


def test_nothing_to_compare_has_no_change(english):
    shown = figure("recovery_rate", "Recovery", 0.5, None, "share")
    assert (shown.value, shown.previous, shown.change, shown.verdict) == ("50%", "–", None, None)


def test_more_responses_are_neither_better_nor_worse(english):
    shown = figure("responses", "Responses", 120, 100, "count", better=None)
    assert (shown.change, shown.trend, shown.verdict) == ("+20", "up", None)
