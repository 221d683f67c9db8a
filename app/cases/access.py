"""Who may see and act on a case and its tasks, and loading them for a change."""

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from app.accounts.access import CONSOLE_USERS, RoleRule
from app.accounts.models import Role
from app.accounts.scope import Scope
from app.cases.models import Task
from app.core.area_paths import under_any
from app.core.errors import Forbidden, NotFound
from app.core.messages import Message
from app.reports.models import Report

# Who has a task list: units their own, coordinators their areas', admins all.
TASK_READERS = CONSOLE_USERS.refusing(Message("cases.task-readers-only"))
# Who triages and dispatches: a grid's coordinators (admins keep the areas, not the cases).
CASE_COORDINATORS = RoleRule(frozenset({Role.COORDINATOR}), Message("cases.grid-coordinators-only"))


def visible_tasks(scope: Scope) -> ColumnElement[bool]:
    """SQL condition on Task joined with its Report: the tasks this scope may see.

    Admins see all; coordinators the tasks of cases in their areas; a unit its own tasks;
    riders none.
    """
    if scope.sees_everything:
        return true()
    if scope.role is Role.COORDINATOR:
        return under_any(Report.area_path, scope.area_paths or ())
    if scope.role is Role.UNIT and scope.unit_id is not None:
        return col(Task.unit_id) == scope.unit_id
    return false()


def load_visible_task(session: Session, scope: Scope, task_id: int) -> tuple[Task, Report]:
    """The task and its case if the caller may see them; 404 otherwise."""
    row = session.exec(
        select(Task, Report)
        .join(Report, col(Report.id) == Task.report_id)
        .where(Task.id == task_id, visible_tasks(scope))
    ).first()
    if row is None:
        raise NotFound(Message("cases.no-task", task_id=task_id))
    return row


def require_case_coordinator(scope: Scope, report: Report) -> None:
    """403 unless the caller coordinates the grid the report was assigned to."""
    if scope.role is not Role.COORDINATOR or not scope.covers(report.area_path):
        raise Forbidden(Message("cases.grid-coordinators-only"))


def require_task_unit(scope: Scope, task: Task) -> None:
    """403 unless the caller is an account of the unit the task was sent to."""
    if scope.role is not Role.UNIT or scope.unit_id != task.unit_id:
        raise Forbidden(Message("cases.task-unit-only"))


def lock_reports(session: Session, *reports: Report) -> None:
    """Lock the reports' rows until commit and reload them, in id order (no deadlocks).

    Every change that moves a case and its tasks together takes this lock first, so that two
    people acting on one case queue up and the second sees what the first did.
    """
    ids = sorted({report.id for report in reports if report.id is not None})
    session.exec(
        select(Report)
        .where(col(Report.id).in_(ids))
        .order_by(col(Report.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def reload_task(session: Session, task: Task) -> None:
    """Re-read the task's row, after taking its case's lock."""
    session.exec(
        select(Task).where(Task.id == task.id).execution_options(populate_existing=True)
    ).one()
