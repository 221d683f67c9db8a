"""Figures of an area's cases: counts, 结案率, 按期结案率, 返工率, time to close, overdue now.

Reports count in the period they were received (`created_at` in [since, until)). A case's
deadline is the latest `due_at` of its tasks that were not handed back. A case is due to close
(应结案) once it is closed or its deadline has passed; it closed on time (按期结案) when the
units' work was resolved by the deadline and the case was then closed.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from app.cases.models import Task
from app.categories.models import Category
from app.grids.service import under_any
from app.reports.models import Report
from app.reports.states import ACTIVE_TASK_STATUSES, ReportStatus, TaskStatus

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
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name_zh: str
    name_en: str
    count: int


@dataclass(frozen=True)
class CaseFigures:
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

    @property
    def closure_rate(self) -> float | None:
        """结案率: closed / due to close."""
        return _ratio(self.closed, self.due_to_close)

    @property
    def on_time_closure_rate(self) -> float | None:
        """按期结案率: closed on time / due to close."""
        return _ratio(self.closed_on_time, self.due_to_close)

    @property
    def rework_rate(self) -> float | None:
        """返工率: cases sent back at least once / cases whose work was ever resolved."""
        return _ratio(self.reworked, self.resolved_once)


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
    """
    in_area = true() if area_paths is None else under_any(Report.area_path, area_paths)
    window = [in_area]
    if since is not None:
        window.append(col(Report.created_at) >= since)
    if until is not None:
        window.append(col(Report.created_at) < until)
    as_of = min(until, now) if until is not None else now
    by_status = dict.fromkeys(ReportStatus, 0)
    for status, count in session.exec(
        select(Report.status, func.count()).where(*window).group_by(col(Report.status))
    ):
        by_status[ReportStatus(status)] = count
    figures = _closure_figures(session, window, as_of)
    return CaseFigures(
        as_of=as_of,
        received=sum(by_status.values()),
        by_status=by_status,
        by_category=_by_category(session, window),
        cases=figures[0],
        due_to_close=figures[1],
        closed=figures[2],
        closed_on_time=figures[3],
        reworked=figures[4],
        resolved_once=figures[5],
        median_hours_to_close=_median_hours_to_close(session, window),
        overdue_now=_overdue_now(session, in_area, now),
    )


def _closure_figures(
    session: Session, window: list[ColumnElement[bool]], as_of: datetime
) -> tuple[int, int, int, int, int, int]:
    deadlines = (
        select(col(Task.report_id).label("report_id"), func.max(Task.due_at).label("deadline"))
        .where(col(Task.status) != TaskStatus.RETURNED)
        .group_by(col(Task.report_id))
        .subquery()
    )
    deadline = deadlines.c.deadline
    is_case = col(Report.status).in_(CASE_STATUSES)
    closed = col(Report.status) == ReportStatus.CLOSED
    query = (
        sa_select(
            func.count().filter(is_case),
            func.count().filter(and_(is_case, or_(closed, deadline <= as_of))),
            func.count().filter(closed),
            func.count().filter(and_(closed, col(Report.resolved_at) <= deadline)),
            func.count().filter(and_(is_case, col(Report.rework_count) > 0)),
            func.count().filter(and_(is_case, col(Report.resolved_at).is_not(None))),
        )
        .select_from(Report)
        .outerjoin(deadlines, deadlines.c.report_id == Report.id)
        .where(*window)
    )
    cases, due, closed_count, on_time, reworked, resolved_once = session.execute(query).one()
    return cases, due, closed_count, on_time, reworked, resolved_once


def _by_category(session: Session, window: list[ColumnElement[bool]]) -> list[CategoryCount]:
    count = func.count().label("count")
    query = (
        select(Category.code, Category.name_zh, Category.name_en, count)
        .join(Report, col(Report.category_code) == Category.code)
        .where(*window)
        .group_by(col(Category.code), col(Category.name_zh), col(Category.name_en))
        .order_by(count.desc(), col(Category.code))
    )
    return [CategoryCount(*row) for row in session.exec(query)]


def _median_hours_to_close(session: Session, window: list[ColumnElement[bool]]) -> float | None:
    # Two columns of the closed cases only; pre-aggregate if a dashboard polls this at scale.
    query = select(Report.created_at, Report.closed_at).where(
        *window, col(Report.status) == ReportStatus.CLOSED
    )
    hours = [
        (closed_at - created_at).total_seconds() / SECONDS_PER_HOUR
        for created_at, closed_at in session.exec(query)
        if closed_at is not None
    ]
    return round(statistics.median(hours), 2) if hours else None


def _overdue_now(session: Session, in_area: ColumnElement[bool], now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(Task)
        .join(Report, col(Report.id) == Task.report_id)
        .where(in_area, col(Task.status).in_(ACTIVE_TASK_STATUSES), col(Task.due_at) <= now)
    )
    return int(session.exec(query).one())


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
