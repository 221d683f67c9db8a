"""Waiting on a condition with a deadline: the one way tests wait for something to happen."""

import time
from collections.abc import Callable

POLL_S = 0.05


def eventually(condition: Callable[[], bool], timeout_s: float = 30, what: str = "") -> None:
    """Wait until `condition()` holds, checking every 50 ms; AssertionError at the deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s: {what or condition}")
        time.sleep(POLL_S)  # between checks of the condition, never as the synchronisation
