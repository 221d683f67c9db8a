"""Plain factories for verification tests: a unit's task completed through the case workflow."""

from datetime import timedelta

from sqlmodel import Session

from app.cases.models import Task
from app.cases.service import change_task_status
from app.cases.states import TaskStatus
from app.core.clock import utcnow
from app.reports.models import Report
from tests.factories import make_unit
from tests.photos.factories import FENGYANG_LON_LAT, make_jpeg

CHECK_PHOTO = make_jpeg(800, 600, gps=FENGYANG_LON_LAT)


def complete_a_task(session: Session, report: Report, *, to_status: TaskStatus) -> Task:
    """A unit's task on the report, in progress, moved to `to_status` by the case workflow."""
    unit = make_unit(session, f"unit-{report.id}-{utcnow():%H%M%S%f}")
    assert unit.id is not None
    task = Task(
        report_id=report.id or 0,
        unit_id=unit.id,
        due_at=utcnow() + timedelta(days=1),
        dispatched_by_id=report.reporter_id,
        status=TaskStatus.IN_PROGRESS,
    )
    session.add(task)
    session.flush()
    change_task_status(session, task, report, to_status, actor_id=None)
    session.commit()
    return task
