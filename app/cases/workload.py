"""What each handling unit has on its hands: its tasks not yet done, and how many are late."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES, TaskStatus


class UnitWorkload(BaseModel):
    unit_id: int
    open: int  # dispatched, not yet accepted
    in_progress: int
    overdue: int  # of those two, past their deadline


def unit_workloads(
    session: Session, unit_ids: Sequence[int], *, now: datetime
) -> list[UnitWorkload]:
    """One line per unit (zeros included), counted on the index of a unit's tasks by status."""
    late = or_(col(Task.overdue_at).is_not(None), col(Task.due_at) <= now)
    rows = session.exec(
        select(
            Task.unit_id,
            Task.status,
            func.count(),
            func.count().filter(late),
        )
        .where(col(Task.unit_id).in_(unit_ids), col(Task.status).in_(ACTIVE_TASK_STATUSES))
        .group_by(col(Task.unit_id), col(Task.status))
    ).all()
    counts = {unit_id: {"open": 0, "in_progress": 0, "overdue": 0} for unit_id in unit_ids}
    for unit_id, status, tasks, overdue in rows:
        counts[unit_id]["open" if status is TaskStatus.OPEN else "in_progress"] += tasks
        counts[unit_id]["overdue"] += overdue
    return [UnitWorkload(unit_id=unit_id, **counts[unit_id]) for unit_id in unit_ids]
