"""A period splits into month rows, day rows and single reports that cover it exactly once."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from app.figures.periods import FIGURES_TZ, PeriodPlan, day_of, plan_period

CST = FIGURES_TZ


def _covers(plan: PeriodPlan, moment: datetime) -> int:
    """How many parts of the plan count a report received at `moment`."""

    def inside(span: tuple[object, object], value: object) -> bool:
        start, end = span
        return (start is None or start <= value) and (end is None or value < end)  # type: ignore[operator]

    day = day_of(moment)
    month = day.replace(day=1)
    parts = [plan.months is not None and inside(plan.months, month)]
    parts += [inside(span, day) for span in plan.days]
    parts += [inside(span, moment) for span in plan.moments]
    return sum(parts)


@pytest.mark.parametrize(
    ("since", "until", "months", "days", "moments"),
    [
        (None, None, (None, None), [], []),
        (
            datetime(2026, 1, 1, tzinfo=CST),
            datetime(2027, 1, 1, tzinfo=CST),
            (date(2026, 1, 1), date(2027, 1, 1)),
            [],
            [],
        ),
        (
            datetime(2026, 1, 15, tzinfo=CST),
            datetime(2026, 3, 10, tzinfo=CST),
            (date(2026, 2, 1), date(2026, 3, 1)),
            [(date(2026, 1, 15), date(2026, 2, 1)), (date(2026, 3, 1), date(2026, 3, 10))],
            [],
        ),
        (
            datetime(2026, 1, 15, 10, tzinfo=CST),
            datetime(2026, 1, 15, 12, tzinfo=CST),
            None,
            [],
            [(datetime(2026, 1, 15, 10, tzinfo=CST), datetime(2026, 1, 15, 12, tzinfo=CST))],
        ),
    ],
)
def test_a_period_uses_months_then_days_then_single_reports(
    since: datetime | None,
    until: datetime | None,
    months: object,
    days: object,
    moments: object,
) -> None:
    plan = plan_period(since, until)
    assert (plan.months, plan.days, plan.moments) == (months, days, moments)


def test_every_moment_is_counted_once_inside_the_period_and_never_outside() -> None:
    rng = random.Random(11)
    origin = datetime(2025, 11, 20, tzinfo=UTC)
    for _ in range(300):
        ends = sorted(origin + timedelta(minutes=rng.randint(0, 200 * 24 * 60)) for _ in range(2))
        since = None if rng.random() < 0.15 else ends[0]
        until = None if rng.random() < 0.15 else ends[1]
        plan = plan_period(since, until)
        for _ in range(40):
            moment = origin + timedelta(seconds=rng.randint(-86400 * 5, 86400 * 210))
            wanted = (since is None or since <= moment) and (until is None or moment < until)
            assert _covers(plan, moment) == int(wanted), (since, until, moment, plan)
