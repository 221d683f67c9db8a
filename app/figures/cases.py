"""Figures of an area's cases: counts, 结案率, 按期结案率, 返工率, time to close, overdue now.

Reports count in the period they were received (`created_at` in [since, until)). A case's
deadline is the latest `due_at` of its tasks that were not handed back. A case is due to close
(应结案) once it is closed or its deadline has passed; it closed on time (按期结案) when the
units' work was resolved by the deadline and the case was then closed.

What the history decides comes from the rollups (`reading.read_rollups`): counts by status,
category and closure flags, and the close-time histogram, so a year of a city reads a few
thousand rows.
What depends on the clock is read live from the open work only: open cases past their
deadline, and tasks overdue now.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, literal, true
from sqlmodel import Session, col, func, select

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES, TaskStatus
from app.categories.models import Category
from app.core.area_paths import under_any
from app.figures.buckets import bucket_midpoint_minutes
from app.figures.reading import RolledUp, read_rollups
from app.reports.models import Report
from app.reports.states import ReportStatus

# The statuses of a report that became a case and was not merged away.
CASE_STATUSES = frozenset(
    {
        ReportStatus.ACCEPTED,
        ReportStatus.DISPATCHED,
        ReportStatus.IN_PROGRESS,
        ReportStatus.RESOLVED,
        ReportStatus.CLOSED,
    }
)
OPEN_CASE_STATUSES = CASE_STATUSES - {ReportStatus.CLOSED}
MINUTES_PER_HOUR = 60


class CaseRates:
    """The three rates of a count of cases (the area's, a day's, a grid's), from its counts."""

    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    resolved_once: int

    @property
    def closure_rate(self) -> float | None:
        """结案率: closed / due to close."""
        return ratio(self.closed, self.due_to_close)

    @property
    def on_time_closure_rate(self) -> float | None:
        """按期结案率: closed on time / due to close."""
        return ratio(self.closed_on_time, self.due_to_close)

    @property
    def rework_rate(self) -> float | None:
        """返工率: cases sent back at least once / cases whose work was ever resolved."""
        return ratio(self.reworked, self.resolved_once)


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name_zh: str
    name_en: str
    count: int


@dataclass(frozen=True)
class CaseFigures(CaseRates):
    as_of: datetime  # deadlines count as passed up to here: the end of the period, or now
    received: int
    by_status: dict[ReportStatus, int]
    by_category: list[CategoryCount]
    cases: int
    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    resolved_once: int
    median_hours_to_close: float | None
    overdue_now: int


def case_figures(
    session: Session,
    area_paths: Sequence[str] | None,
    *,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
) -> CaseFigures:
    """The figures of the reports under `area_paths` (None: everywhere) received in the period.

    Deadlines count as passed at the end of the period or now, whichever is earlier;
    `overdue_now` counts the area's tasks overdue now, whenever their case was received.
    The median time to close is read from close-time buckets: within 30 seconds or 0.8%.
    """
    in_area = true() if area_paths is None else under_any(Report.area_path, area_paths)
    as_of = min(until, now) if until is not None else now
    rolled = read_rollups(session, area_paths, since=since, until=until)
    counted = tally(rolled)
    window = received_window(in_area, since, until)
    return CaseFigures(
        as_of=as_of,
        received=counted.received,
        by_status=counted.by_status,
        by_category=_by_category(session, counted.by_category),
        cases=counted.cases,
        due_to_close=counted.closed + open_past_deadline(session, window, as_of)[None],
        closed=counted.closed,
        closed_on_time=counted.closed_on_time,
        reworked=counted.reworked,
        resolved_once=counted.resolved_once,
        median_hours_to_close=median_hours(rolled.close_minutes),
        overdue_now=_overdue_now(session, in_area, now),
    )


@dataclass(frozen=True)
class Tally:
    """What a reading of the rollups adds up to, before the live part (deadlines passed)."""

    by_status: dict[ReportStatus, int]
    by_category: Counter[str]
    cases: int
    closed_on_time: int
    reworked: int
    resolved_once: int

    @property
    def received(self) -> int:
        return sum(self.by_status.values())

    @property
    def closed(self) -> int:
        return self.by_status[ReportStatus.CLOSED]


def tally(rolled: RolledUp) -> Tally:
    """Add up a reading of the rollups by status, category and closure flags."""
    by_status = dict.fromkeys(ReportStatus, 0)
    by_category: Counter[str] = Counter()
    cases = reworked = resolved_once = closed_on_time = 0
    for (category, status, was_reworked, was_resolved, on_time), n in rolled.counts.items():
        by_status[ReportStatus(status)] += n
        by_category[category] += n
        if status in CASE_STATUSES:
            cases += n
            reworked += n if was_reworked else 0
            resolved_once += n if was_resolved else 0
        closed_on_time += n if on_time else 0
    return Tally(by_status, by_category, cases, closed_on_time, reworked, resolved_once)


def received_window(
    in_area: ColumnElement[bool], since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    """SQL: the reports of an area received in [since, until)."""
    window = [in_area]
    if since is not None:
        window.append(col(Report.created_at) >= since)
    if until is not None:
        window.append(col(Report.created_at) < until)
    return window


def open_past_deadline(
    session: Session,
    window: list[ColumnElement[bool]],
    as_of: datetime,
    by: Any = None,
) -> Counter[Any]:
    """Open cases of the window whose deadline has passed, per value of `by` (None: all of
    them under the key None): the live queue, not the history."""
    deadlines = (
        select(col(Task.report_id).label("report_id"), func.max(Task.due_at).label("deadline"))
        .where(col(Task.status) != TaskStatus.RETURNED)
        .group_by(col(Task.report_id))
        .subquery()
    )
    part: ColumnElement[Any] = literal(None) if by is None else by
    query = (
        select(part, func.count())
        .select_from(Report)
        .join(deadlines, deadlines.c.report_id == Report.id)
        .where(
            *window,
            col(Report.status).in_(OPEN_CASE_STATUSES),
            deadlines.c.deadline <= as_of,
        )
        .group_by(part)
    )
    counts: Counter[Any] = Counter()
    for key, n in session.execute(query):
        counts[key] += int(n)
    return counts


def _by_category(session: Session, counts: Counter[str]) -> list[CategoryCount]:
    present = [code for code, n in counts.items() if n]
    if not present:
        return []
    names = session.exec(
        select(Category.code, Category.name_zh, Category.name_en).where(
            col(Category.code).in_(present)
        )
    )
    found = [CategoryCount(code, zh, en, counts[code]) for code, zh, en in names]
    return sorted(found, key=lambda item: (-item.count, item.code))


def median_hours(buckets: Counter[int]) -> float | None:
    """The median of the bucketed close times (the mean of the middle two for an even count)."""
    total = sum(buckets.values())
    if not total:
        return None
    ranks = sorted({(total - 1) // 2, total // 2})
    middles: list[float] = []
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        while ranks and ranks[0] < seen:
            ranks.pop(0)
            middles.append(bucket_midpoint_minutes(bucket))
    middles += middles[-1:] * (2 - len(middles))
    return round(sum(middles) / 2 / MINUTES_PER_HOUR, 2)


def _overdue_now(session: Session, in_area: ColumnElement[bool], now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(Task)
        .join(Report, col(Report.id) == Task.report_id)
        .where(in_area, col(Task.status).in_(ACTIVE_TASK_STATUSES), col(Task.due_at) <= now)
    )
    return int(session.exec(query).one())


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
