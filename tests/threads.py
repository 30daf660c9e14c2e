"""Threads a test starts: joined with a deadline, and the test fails if one is still running."""

import threading


def join_all(threads: list[threading.Thread], seconds: float = 30) -> None:
    """Wait for every thread; a thread still running after `seconds` fails the test."""
    for thread in threads:
        thread.join(timeout=seconds)
    running = [thread.name for thread in threads if thread.is_alive()]
    assert not running, f"still running after {seconds} s: {running}"
