"""Reading the rollups for an area and a period: month rows, day rows at the edges, and the
keys of single reports for the parts of a day a period cuts through."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select, true
from sqlmodel import Session

from app.core.area_paths import under_any
from app.figures.models import CLOSE_TIMES, COUNT_FLAGS, COUNTS, DAY, MONTH, REPORT_KEYS
from app.figures.periods import DateRange, PeriodPlan, TimeRange, plan_period
from app.figures.rollup import EVERYWHERE

# (category_code, status, reworked, resolved_once, closed_on_time) -> reports
CountKey = tuple[str, str, bool, bool, bool]


@dataclass(frozen=True)
class RolledUp:
    counts: Counter[CountKey]
    close_minutes: Counter[int]  # close-time bucket -> closed reports


def outermost(area_paths: Sequence[str]) -> list[str]:
    """The paths not lying under another of them: each report then counts once."""
    return sorted(
        path
        for path in set(area_paths)
        if not any(other != path and path.startswith(other) for other in area_paths)
    )


def read_rollups(
    session: Session,
    area_paths: Sequence[str] | None,
    *,
    since: datetime | None,
    until: datetime | None,
) -> RolledUp:
    """The counts and close-time buckets of the reports under `area_paths` (None: everywhere)
    received in [since, until)."""
    plan = plan_period(since, until)
    levels = [EVERYWHERE] if area_paths is None else outermost(area_paths)
    counts: Counter[CountKey] = Counter()
    count_flags = [COUNTS.c[name] for name in COUNT_FLAGS]
    report_flags = [REPORT_KEYS.c[name] for name in COUNT_FLAGS]
    for *key, n in session.execute(
        select(*count_flags, func.sum(COUNTS.c.n))
        .where(COUNTS.c.area_path.in_(levels), _in_rows(COUNTS, plan))
        .group_by(*count_flags)
    ):
        counts[_count_key(key)] += int(n)
    close_minutes: Counter[int] = Counter()
    for bucket, n in session.execute(
        select(CLOSE_TIMES.c.close_minutes, func.sum(CLOSE_TIMES.c.n))
        .where(CLOSE_TIMES.c.area_path.in_(levels), _in_rows(CLOSE_TIMES, plan))
        .group_by(CLOSE_TIMES.c.close_minutes)
    ):
        close_minutes[int(bucket)] += int(n)
    if plan.moments:
        in_area = true() if area_paths is None else under_any(REPORT_KEYS.c.area_path, levels)
        moments = and_(in_area, _in_moments(plan.moments))
        for *key, n in session.execute(
            select(*report_flags, func.count()).where(moments).group_by(*report_flags)
        ):
            counts[_count_key(key)] += int(n)
        bucket_column = REPORT_KEYS.c.close_minutes
        for bucket, n in session.execute(
            select(bucket_column, func.count())
            .where(moments, bucket_column.is_not(None))
            .group_by(bucket_column)
        ):
            close_minutes[int(bucket)] += int(n)
    return RolledUp(counts=counts, close_minutes=close_minutes)


def _count_key(row: Sequence[Any]) -> CountKey:
    category, status, reworked, resolved_once, closed_on_time = row
    return (category, str(status), bool(reworked), bool(resolved_once), bool(closed_on_time))


def _in_rows(table: Table, plan: PeriodPlan) -> ColumnElement[bool]:
    """SQL: the rollup rows of the plan's months and days."""
    period, start = table.c.period, table.c.period_start
    rows = [and_(period == DAY, _within(start, days)) for days in plan.days]
    if plan.months is not None:
        rows.append(and_(period == MONTH, _within(start, plan.months)))
    return or_(false(), *rows)


def _in_moments(moments: list[TimeRange]) -> ColumnElement[bool]:
    return or_(false(), *(_within(REPORT_KEYS.c.created_at, span) for span in moments))


def _within(column: Any, span: DateRange | TimeRange) -> ColumnElement[bool]:
    start, end = span
    bounds = [true()]
    if start is not None:
        bounds.append(column >= start)
    if end is not None:
        bounds.append(column < end)
    return and_(*bounds)


def received_at_areas(
    session: Session,
    area_paths: Sequence[str],
    *,
    since: datetime | None,
    until: datetime | None,
) -> Counter[str]:
    """Reports received in [since, until) at each of `area_paths` exactly (for grids: the reports
    assigned to that grid), from the rollups; a path with none is left out."""
    plan = plan_period(since, until)
    paths = sorted(set(area_paths))
    received: Counter[str] = Counter()
    if not paths:
        return received
    for path, n in session.execute(
        select(COUNTS.c.area_path, func.sum(COUNTS.c.n))
        .where(COUNTS.c.area_path.in_(paths), _in_rows(COUNTS, plan))
        .group_by(COUNTS.c.area_path)
    ):
        received[path] += int(n)
    if plan.moments:
        for path, n in session.execute(
            select(REPORT_KEYS.c.area_path, func.count())
            .where(REPORT_KEYS.c.area_path.in_(paths), _in_moments(plan.moments))
            .group_by(REPORT_KEYS.c.area_path)
        ):
            received[path] += int(n)
    return +received
