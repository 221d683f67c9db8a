"""Counting the figures the slow way, report by report, to check the rollups against."""

import statistics
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.cases.models import Task
from app.cases.states import TaskStatus
from app.figures.cases import CASE_STATUSES, case_figures
from app.figures.models import CLOSE_TIMES, COUNTS, REPORT_KEYS
from app.figures.rebuild import rebuild_figures
from app.reports.models import Report
from app.reports.states import ReportStatus


def rollup_rows(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the three tables that counts something (a counter at 0 counts nothing)."""
    rows = {
        "figure_report": set(map(tuple, session.execute(select(REPORT_KEYS)))),
        "figure_count": set(map(tuple, session.execute(select(COUNTS).where(COUNTS.c.n != 0)))),
        "figure_close_time": set(
            map(tuple, session.execute(select(CLOSE_TIMES).where(CLOSE_TIMES.c.n != 0)))
        ),
    }
    session.rollback()
    return rows


def assert_rollups_equal_a_recount(session: Session) -> None:
    live = rollup_rows(session)
    rebuild_figures(session)
    assert rollup_rows(session) == live


def recount(
    session: Session, area_path: str | None, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    """The figures counted report by report, as /stats counted them before the rollups."""
    reports = [
        report
        for report in session.exec(select(Report)).scalars()
        if (area_path is None or (report.area_path or "").startswith(area_path))
        and (since is None or report.created_at >= since)
        and (until is None or report.created_at < until)
    ]
    deadlines: dict[int, datetime] = {}
    for task in session.exec(select(Task)).scalars():
        if task.status is not TaskStatus.RETURNED:
            deadlines[task.report_id] = max(task.due_at, deadlines.get(task.report_id, task.due_at))
    cases = [r for r in reports if r.status in CASE_STATUSES]
    closed = [r for r in reports if r.status is ReportStatus.CLOSED]
    hours = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in closed if r.closed_at]
    return {
        "received": len(reports),
        "by_status": Counter(r.status for r in reports),
        "by_category": Counter(r.category_code for r in reports),
        "cases": len(cases),
        "closed": len(closed),
        "closed_on_time": sum(
            1 for r in closed if r.id in deadlines and r.resolved_at <= deadlines[r.id]
        ),
        "reworked": sum(1 for r in cases if r.rework_count > 0),
        "resolved_once": sum(1 for r in cases if r.resolved_at is not None),
        "median_hours": statistics.median(hours) if hours else None,
    }


def figures_of(
    session: Session, area_path: str | None, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    figures = case_figures(
        session,
        None if area_path is None else [area_path],
        since=since,
        until=until,
        now=datetime.now(UTC),
    )
    return {
        "received": figures.received,
        "by_status": Counter({s: n for s, n in figures.by_status.items() if n}),
        "by_category": Counter({c.code: c.count for c in figures.by_category}),
        "cases": figures.cases,
        "closed": figures.closed,
        "closed_on_time": figures.closed_on_time,
        "reworked": figures.reworked,
        "resolved_once": figures.resolved_once,
        "median_hours": figures.median_hours_to_close,
    }
