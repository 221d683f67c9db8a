"""The overdue list of the figures page (超期督办): an area's tasks past their deadline now,
the longest overdue first; as many as /stats counts in `overdue_now`."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import true
from sqlmodel import Session, col, select

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES
from app.core.area_paths import under_any
from app.reports.models import Report
from app.units.models import Unit


def overdue_tasks(
    session: Session, area_paths: Sequence[str] | None, *, now: datetime, limit: int
) -> list[tuple[Task, Unit, Report]]:
    """The first `limit` active tasks of the area's cases due by `now`, earliest deadline
    first (read in the order of the index on status and deadline)."""
    in_area = true() if area_paths is None else under_any(Report.area_path, area_paths)
    query = (
        select(Task, Unit, Report)
        .join(Unit, col(Unit.id) == Task.unit_id)
        .join(Report, col(Report.id) == Task.report_id)
        .where(in_area, col(Task.status).in_(ACTIVE_TASK_STATUSES), col(Task.due_at) <= now)
        .order_by(col(Task.due_at), col(Task.id))
        .limit(limit)
    )
    return list(session.exec(query))
