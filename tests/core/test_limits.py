"""The sliding-window counter behind the request rate limits, kept in the database."""

import pytest
from sqlalchemy import Engine, select

from app.core.rate_windows import RateWindow, forget_old_windows, hit_in_own_transaction
from app.core.runtime import Runtime


@pytest.fixture
def writer(runtime: Runtime) -> Engine:
    return runtime.writer


def test_a_key_is_refused_once_it_reaches_its_limit_within_a_minute(writer: Engine) -> None:
    hits = [hit_in_own_transaction(writer, ["a"], 60.0 + i, 3) for i in range(4)]
    assert hits == [True, True, True, False]
    assert hit_in_own_transaction(writer, ["b"], 64.0, 3), "other keys keep their own count"


@pytest.mark.parametrize(
    ("now_s", "allowed"),
    [
        (120.0, False),  # the previous minute still counts fully at the boundary
        (150.0, True),  # half of it has slid out: 3 x 0.5 = 1.5 < 3
        (179.9, True),
        (240.0, True),  # two minutes on, nothing is left
    ],
)
def test_the_previous_minute_slides_out_gradually(
    writer: Engine, now_s: float, allowed: bool
) -> None:
    for second in (61.0, 62.0, 63.0):
        assert hit_in_own_transaction(writer, ["a"], second, 3)
    assert hit_in_own_transaction(writer, ["a"], now_s, 3) is allowed


def test_refused_requests_do_not_count(writer: Engine) -> None:
    for second in range(60, 70):  # 3 allowed, 7 refused
        hit_in_own_transaction(writer, ["a"], float(second), 3)
    # Half a minute on, only the 3 allowed ones weigh: 1.5 < 3.
    assert hit_in_own_transaction(writer, ["a"], 150.0, 3)


def test_one_key_over_its_limit_refuses_the_request(writer: Engine) -> None:
    for second in (61.0, 62.0):
        assert hit_in_own_transaction(writer, ["addr:x"], second, 2)
    assert not hit_in_own_transaction(writer, ["addr:x", "acct:1"], 63.0, 2)
    assert hit_in_own_transaction(writer, ["addr:y", "acct:1"], 64.0, 2)


def test_the_sweep_forgets_only_minutes_that_no_longer_count(writer: Engine) -> None:
    for now_s in (30.0, 90.0, 150.0):  # minutes 0, 1 and 2
        hit_in_own_transaction(writer, ["a"], now_s, 10)
    with writer.begin() as connection:
        assert forget_old_windows(connection, 150.0) == 1
        minutes = connection.execute(select(RateWindow.minute).order_by(RateWindow.minute))  # type: ignore[arg-type]
        assert minutes.scalars().all() == [1, 2]
