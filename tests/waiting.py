"""Waiting in a test for something to happen: checked again and again, up to a deadline."""

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object],
    seconds: float = 10,
    what: str = "the condition",
    pause: Callable[[float], None] = time.sleep,
) -> None:
    """Return once `condition()` is true; fail the test if it is still false after `seconds`.

    A Playwright test passes `pause=lambda s: page.wait_for_timeout(s * 1000)`, so the
    page's routes and events are served while it waits."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        pause(0.1)
