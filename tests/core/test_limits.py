"""The sliding-window counter behind the request rate limits."""

import pytest

from app.core.limits import SlidingWindowCounter


def test_a_key_is_refused_once_it_reaches_its_limit_within_a_minute() -> None:
    counter = SlidingWindowCounter(limit_per_minute=3)
    assert [counter.hit("a", 60.0 + i) for i in range(4)] == [True, True, True, False]
    assert counter.hit("b", 64.0), "other keys keep their own count"


@pytest.mark.parametrize(
    ("now_s", "allowed"),
    [
        (120.0, False),  # the previous minute still counts fully at the boundary
        (150.0, True),  # half of it has slid out: 3 x 0.5 = 1.5 < 3
        (179.9, True),
        (240.0, True),  # two minutes on, nothing is left
    ],
)
def test_the_previous_minute_slides_out_gradually(now_s: float, allowed: bool) -> None:
    counter = SlidingWindowCounter(limit_per_minute=3)
    for second in (61.0, 62.0, 63.0):
        assert counter.hit("a", second)
    assert counter.hit("a", now_s) is allowed
