"""Dispatch (任务分办), coordinated handling (协同处置) and verification of a case's tasks.

A case can have several tasks, one per unit that must act. Its status follows them: the first
task dispatches it, the first unit to accept puts it in progress, the last active task to be
completed resolves it, and when every task was handed back it returns to the coordinator
(`accepted`) to be dispatched again.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.cases.access import (
    load_visible_task,
    lock_reports,
    reload_task,
    require_case_coordinator,
    require_task_unit,
    visible_tasks,
)
from app.cases.events import TaskStatusChanged
from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES, TASK_MACHINE, TaskStatus
from app.categories.service import get_category
from app.core import clock
from app.core.area_paths import related_to_any
from app.core.calendar import WorkCalendar
from app.core.errors import Conflict, TransitionNotAllowed, Unprocessable
from app.core.events import publish
from app.core.messages import Message
from app.core.status_words import status_words
from app.core.transitions import transition
from app.grids.models import Grid
from app.photos.intake import StoredPhoto
from app.reports.access import load_visible_report
from app.reports.models import PhotoKind, Report, ReportEvent, ReportEventKind
from app.reports.service import attach_photos
from app.reports.states import ReportStatus
from app.reports.workflow import change_status, record_event
from app.units.models import Unit

# A case takes new tasks while it is being worked on; a resolved one is verified first.
DISPATCHABLE_STATUSES = frozenset(
    {ReportStatus.ACCEPTED, ReportStatus.DISPATCHED, ReportStatus.IN_PROGRESS}
)
# The timeline entry each task status writes.
TASK_EVENT_KINDS: dict[TaskStatus, ReportEventKind] = {
    TaskStatus.IN_PROGRESS: ReportEventKind.TASK_ACCEPTED,
    TaskStatus.RETURNED: ReportEventKind.TASK_RETURNED,
    TaskStatus.COMPLETED: ReportEventKind.TASK_COMPLETED,
    TaskStatus.OPEN: ReportEventKind.TASK_REOPENED,
}


def change_task_status(
    session: Session,
    task: Task,
    report: Report,
    target: TaskStatus,
    *,
    actor_id: int | None,
    note: str | None = None,
    **changes: object,
) -> ReportEvent:
    """Move `task` to `target` like workflow.change_status moves a report: check the edge,
    update only if nobody moved it first (else 409), stamp the time, append the event to the
    case's timeline and announce it. Flushes; the caller commits.
    """
    current = transition(session, TASK_MACHINE, task, target, **changes)
    event = record_event(
        session, report, TASK_EVENT_KINDS[target], actor_id=actor_id, note=note, task_id=task.id
    )
    publish(session, TaskStatusChanged(task, report, current, target, actor_id))
    return event


def dispatch_task(
    session: Session,
    scope: Scope,
    report_id: int,
    *,
    unit_code: str,
    note: str | None,
    due_at: datetime | None,
    calendar: WorkCalendar,
) -> Task:
    """Send the case to a handling unit; `due_at` defaults from the category's time limit."""
    report = load_visible_report(session, scope, report_id)
    require_case_coordinator(scope, report)
    lock_reports(session, report)
    if report.status not in DISPATCHABLE_STATUSES:
        raise TransitionNotAllowed(
            Message(
                "cases.not-dispatchable",
                status=status_words("report", report.status),
                hint=_dispatch_hint(report.status),
            )
        )
    unit = _unit_for_dispatch(session, scope, unit_code)
    if _active_task_of_unit(session, report, unit) is not None:
        raise Conflict(Message("cases.unit-has-task", unit=unit_code))
    now = clock.utcnow()
    if due_at is None:
        category = get_category(session, report.category_code)
        due_at = calendar.due_at(now, category.time_limit_hours, wall_clock=category.wall_clock)
    elif due_at <= now:
        raise Unprocessable.for_field("due_at", Message("cases.due-in-past"))
    assert unit.id is not None
    task = Task(
        report_id=report_id,
        unit_id=unit.id,
        note=note,
        due_at=due_at,
        dispatched_by_id=scope.account_id,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    record_event(
        session,
        report,
        ReportEventKind.TASK_DISPATCHED,
        actor_id=scope.account_id,
        note=note,
        task_id=task.id,
    )
    if report.status is ReportStatus.ACCEPTED:
        change_status(session, report, ReportStatus.DISPATCHED, actor_id=scope.account_id)
    publish(session, TaskStatusChanged(task, report, None, TaskStatus.OPEN, scope.account_id))
    return task


def accept_task(session: Session, scope: Scope, task_id: int) -> Task:
    """The unit takes the task on (`in_progress`); the case is in progress from then on."""
    task, report = load_task_for_unit(session, scope, task_id)
    change_task_status(session, task, report, TaskStatus.IN_PROGRESS, actor_id=scope.account_id)
    if report.status is ReportStatus.DISPATCHED:
        change_status(session, report, ReportStatus.IN_PROGRESS, actor_id=scope.account_id)
    return task


def return_task(session: Session, scope: Scope, task_id: int, *, reason: str) -> Task:
    """The unit hands the task back with a reason; with no other task active, the case goes
    back to the coordinator (`accepted`) to be dispatched again."""
    task, report = load_task_for_unit(session, scope, task_id)
    change_task_status(
        session,
        task,
        report,
        TaskStatus.RETURNED,
        actor_id=scope.account_id,
        note=reason,
        return_reason=reason,
    )
    if not _has_active_tasks(session, report):
        change_status(
            session, report, ReportStatus.ACCEPTED, actor_id=scope.account_id, note=reason
        )
    return task


def check_can_complete(task: Task) -> None:
    """409 unless the task may be completed now (before any photo work is done for it)."""
    TASK_MACHINE.require(task.status, TaskStatus.COMPLETED)


def complete_task(
    session: Session,
    scope: Scope,
    task: Task,
    report: Report,
    *,
    note: str | None,
    photos: Sequence[StoredPhoto],
) -> Task:
    """The unit's result with its "after" photos; completing the last active task resolves
    the case. The caller loaded the task with `load_task_for_unit` and stored the photos."""
    change_task_status(
        session,
        task,
        report,
        TaskStatus.COMPLETED,
        actor_id=scope.account_id,
        note=note,
        result_note=note,
    )
    _attach_after_photos(session, task, photos, uploaded_by_id=scope.account_id)
    if not _has_active_tasks(session, report):
        change_status(session, report, ReportStatus.RESOLVED, actor_id=scope.account_id, note=note)
    return task


def verify_case(
    session: Session,
    scope: Scope,
    report_id: int,
    *,
    approved: bool,
    note: str | None,
    task_id: int | None,
) -> Report:
    """Approve a resolved case (`closed`) or send it back for rework (返工).

    Rework reopens the named task, or every completed task of the case, and counts one more
    rework on each and on the case; the case is `dispatched` until a unit accepts again.
    """
    report = load_visible_report(session, scope, report_id)
    require_case_coordinator(scope, report)
    lock_reports(session, report)
    # Checked here, not only by the state machine: accepted -> dispatched is an edge too.
    if report.status is not ReportStatus.RESOLVED:
        raise TransitionNotAllowed(
            Message("cases.verify-needs-resolved", status=status_words("report", report.status))
        )
    if approved:
        change_status(session, report, ReportStatus.CLOSED, actor_id=scope.account_id, note=note)
        return report
    if not note:
        raise Unprocessable.for_field("note", Message("cases.rework-needs-note"))
    tasks = _tasks_to_rework(session, report, task_id)
    change_status(
        session,
        report,
        ReportStatus.DISPATCHED,
        actor_id=scope.account_id,
        note=note,
        rework_count=report.rework_count + 1,
    )
    for task in tasks:
        change_task_status(
            session,
            task,
            report,
            TaskStatus.OPEN,
            actor_id=scope.account_id,
            note=note,
            rework_count=task.rework_count + 1,
        )
    return report


def load_task_for_unit(session: Session, scope: Scope, task_id: int) -> tuple[Task, Report]:
    """The task and its case, locked for a change by the task's unit (404, then 403)."""
    task, report = load_visible_task(session, scope, task_id)
    require_task_unit(scope, task)
    lock_reports(session, report)
    reload_task(session, task)
    return task, report


def _has_active_tasks(session: Session, report: Report) -> bool:
    query = select(Task.id).where(
        Task.report_id == report.id, col(Task.status).in_(ACTIVE_TASK_STATUSES)
    )
    return session.exec(query).first() is not None


def _active_task_of_unit(session: Session, report: Report, unit: Unit) -> int | None:
    return session.exec(
        select(Task.id).where(
            Task.report_id == report.id,
            Task.unit_id == unit.id,
            col(Task.status).in_(ACTIVE_TASK_STATUSES),
        )
    ).first()


def _unit_for_dispatch(session: Session, scope: Scope, unit_code: str) -> Unit:
    """A unit of a community related to the coordinator's areas (422 for any other)."""
    query = (
        select(Unit)
        .join(Grid, col(Grid.code) == Unit.community_code)
        .where(Unit.code == unit_code, related_to_any(Grid.path, scope.area_paths or ()))
    )
    unit = session.exec(query).first()
    if unit is None:
        raise Unprocessable.for_field(
            "unit_code", Message("cases.no-unit-in-areas", unit=unit_code)
        )
    return unit


def _tasks_to_rework(session: Session, report: Report, task_id: int | None) -> list[Task]:
    query = select(Task).where(Task.report_id == report.id, Task.status == TaskStatus.COMPLETED)
    if task_id is not None:
        query = query.where(Task.id == task_id)
    tasks = list(session.exec(query.order_by(col(Task.id))))
    if not tasks:
        raise Unprocessable.for_field(
            "task_id", Message("cases.no-completed-task", task_id=str(task_id))
        )
    return tasks


def _dispatch_hint(status: ReportStatus) -> Message:
    if status is ReportStatus.SUBMITTED:
        return Message("cases.hint-accept-first")
    if status is ReportStatus.RESOLVED:
        return Message("cases.hint-verify-first")
    return Message("cases.hint-closed")


def list_tasks(
    session: Session,
    scope: Scope,
    *,
    status: TaskStatus | None,
    report_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[tuple[Task, Unit, Report]]:
    """The tasks the caller may see, newest first, with their unit and case."""
    query = (
        select(Task, Unit, Report)
        .join(Unit, col(Unit.id) == Task.unit_id)
        .join(Report, col(Report.id) == Task.report_id)
        .where(visible_tasks(scope))
    )
    if status is not None:
        query = query.where(Task.status == status)
    if report_id is not None:
        query = query.where(Task.report_id == report_id)
    if before_id is not None:
        query = query.where(col(Task.id) < before_id)
    return list(session.exec(query.order_by(col(Task.id).desc()).limit(limit)))


def unit_of(session: Session, task: Task) -> Unit:
    """The unit a task was sent to."""
    return session.get_one(Unit, task.unit_id)


def _attach_after_photos(
    session: Session, task: Task, photos: Sequence[StoredPhoto], *, uploaded_by_id: int
) -> None:
    assert task.id is not None
    attach_photos(
        session,
        task.report_id,
        photos,
        kind=PhotoKind.AFTER,
        uploaded_by_id=uploaded_by_id,
        task_id=task.id,
        created_at=clock.utcnow(),
    )
