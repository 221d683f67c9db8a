"""Close-time buckets: the bound the README promises, and the median read from them."""

import random
import statistics
from collections import Counter

import pytest

from app.figures.buckets import bucket_midpoint_minutes, bucket_width, close_bucket
from app.figures.cases import median_hours


def _bound_minutes(minutes: float) -> float:
    """Every duration is stood for within half a minute or 1/128 of itself."""
    return max(0.5, minutes / 128)


@pytest.mark.parametrize(
    ("minutes", "bucket"),
    [(-5, 0), (0, 0), (1, 1), (127, 127), (128, 128), (129, 128), (130, 130), (255, 254)],
)
def test_buckets_are_minutes_then_64_per_doubling(minutes: int, bucket: int) -> None:
    assert close_bucket(minutes) == bucket


def test_every_duration_lies_in_its_bucket_within_the_bound() -> None:
    durations = [*range(0, 5000), *random.Random(7).sample(range(5000, 10**8), 5000)]
    for minutes in durations:
        bucket = close_bucket(minutes)
        assert bucket <= minutes < bucket + bucket_width(bucket)
        assert abs(bucket_midpoint_minutes(bucket) - minutes) <= _bound_minutes(minutes)


@pytest.mark.parametrize("count", [1, 2, 3, 10, 101, 1000])
def test_the_median_read_from_buckets_is_within_the_bound(count: int) -> None:
    rng = random.Random(count)
    minutes = [rng.randint(0, 60 * 24 * 60) for _ in range(count)]
    exact_h = statistics.median(minutes) / 60

    median_h = median_hours(Counter(close_bucket(m) for m in minutes))

    assert median_h is not None
    # The bound, plus the rounding of the answer to 0.01 h (18 seconds).
    assert abs(median_h - exact_h) * 60 <= _bound_minutes(exact_h * 60) + 0.3


def test_no_closed_case_has_no_median() -> None:
    assert median_hours(Counter()) is None
