"""Reading the rollups for an area and a period: month rows, day rows at the edges, and the
keys of single reports for the parts of a day a period cuts through."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select, true
from sqlmodel import Session

from app.core.area_paths import under_any
from app.figures.models import CLOSE_TIMES, COUNT_FLAGS, COUNTS, DAY, MONTH, REPORT_KEYS
from app.figures.periods import DateRange, PeriodPlan, TimeRange, plan_period
from app.figures.rollup import EVERYWHERE

# (category_code, status, reworked, resolved_once, closed_on_time) -> reports
CountKey = tuple[str, str, bool, bool, bool]


# How a reading is split: not at all, by each area path asked for, or by period row.
Split = Literal["area", "period"] | None


@dataclass(frozen=True)
class RolledUp:
    counts: Counter[CountKey] = field(default_factory=Counter)
    close_minutes: Counter[int] = field(default_factory=Counter)  # bucket -> closed reports


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
    return read_split(session, area_paths, plan_period(since, until), by=None).get(None, RolledUp())


def read_split(
    session: Session, area_paths: Sequence[str] | None, plan: PeriodPlan, *, by: Split
) -> dict[Any, RolledUp]:
    """The rollups of the plan's period, split `by`:
    - None: one reading (key None) of the reports under `area_paths` (None: everywhere);
    - "area": one per path of `area_paths` counting its own reports exactly (a grid's);
    - "period": one per row start under `area_paths`: a month row's first day, a day row's
      day, a single report's day."""
    if by == "area":
        levels = sorted(set(area_paths or ()))
        keys_in_area: ColumnElement[bool] = REPORT_KEYS.c.area_path.in_(levels)
    else:
        levels = [EVERYWHERE] if area_paths is None else outermost(area_paths)
        keys_in_area = true() if area_paths is None else under_any(REPORT_KEYS.c.area_path, levels)
    split: defaultdict[Any, RolledUp] = defaultdict(RolledUp)
    count_flags = [COUNTS.c[name] for name in COUNT_FLAGS]
    report_flags = [REPORT_KEYS.c[name] for name in COUNT_FLAGS]
    bucket_column = REPORT_KEYS.c.close_minutes
    counted = [
        select(*_split_by(COUNTS, by), *count_flags, func.sum(COUNTS.c.n))
        .where(COUNTS.c.area_path.in_(levels), _in_rows(COUNTS, plan))
        .group_by(*_split_by(COUNTS, by), *count_flags)
    ]
    bucketed = [
        select(*_split_by(CLOSE_TIMES, by), CLOSE_TIMES.c.close_minutes, func.sum(CLOSE_TIMES.c.n))
        .where(CLOSE_TIMES.c.area_path.in_(levels), _in_rows(CLOSE_TIMES, plan))
        .group_by(*_split_by(CLOSE_TIMES, by), CLOSE_TIMES.c.close_minutes)
    ]
    if plan.moments:
        moments = and_(keys_in_area, _in_moments(plan.moments))
        counted.append(
            select(*_split_by(REPORT_KEYS, by), *report_flags, func.count())
            .where(moments)
            .group_by(*_split_by(REPORT_KEYS, by), *report_flags)
        )
        bucketed.append(
            select(*_split_by(REPORT_KEYS, by), bucket_column, func.count())
            .where(moments, bucket_column.is_not(None))
            .group_by(*_split_by(REPORT_KEYS, by), bucket_column)
        )
    for query in counted:
        for *row, n in session.execute(query):
            part, key = (None, row) if by is None else (row[0], row[1:])
            split[part].counts[_count_key(key)] += int(n)
    for query in bucketed:
        for *row, n in session.execute(query):
            part, bucket = (None, row[0]) if by is None else (row[0], row[1])
            split[part].close_minutes[int(bucket)] += int(n)
    return dict(split)


def _split_by(table: Table, by: Split) -> list[Any]:
    """The columns a reading of `table` is grouped by besides its keys."""
    if by == "area":
        return [table.c.area_path]
    if by == "period":
        return [table.c.day if table is REPORT_KEYS else table.c.period_start]
    return []


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
