"""Who hears of what: reporters of their cases, units of their tasks, coordinators of new
reports, of cases to verify and of trouble.

Each notification is keyed by the timeline entry (or the deadline) it tells of, so the same
happening never lands twice in one inbox. Nobody is notified of their own action.
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountArea, AccountStatus, Role
from app.accounts.service import coordinators_covering
from app.cases.events import TaskOverdue, TaskStatusChanged
from app.cases.models import Task
from app.cases.states import TaskStatus
from app.categories.models import Category
from app.core.area_paths import ancestor_paths
from app.core.events import subscribe
from app.grids.models import Grid, GridLevel
from app.notifications import messages
from app.notifications.service import notify
from app.reports.events import ReportCreated, ReportStatusChanged
from app.reports.models import Report, ReportEvent
from app.reports.states import ReportStatus
from app.reports.supporters import supporters_of
from app.units.models import Unit

# Coordinators of these areas answer for a case first; overdue tasks escalate above them.
LOCAL_LEVELS = frozenset({GridLevel.GRID, GridLevel.COMMUNITY})


@subscribe(ReportCreated)
def on_report_created(session: Session, event: ReportCreated) -> None:
    """Tell the coordinators whose queue shows a new report of it (not the one who recorded it)."""
    report = event.report
    assert report.id is not None
    category = session.get_one(Category, report.category_code)
    message = messages.report_new_message(
        report.id,
        category.name_zh,
        category.name_en,
        urgent=report.urgent,
        description=report.description,
    )
    recipients = coordinators_covering(session, report.area_path)
    _notify_others(
        session, recipients, report.reporter_id, message, f"report:{report.id}:new", report
    )


@subscribe(ReportStatusChanged)
def on_report_status_changed(session: Session, event: ReportStatusChanged) -> None:
    """Tell the case's followers of the steps that concern them; coordinators of a reopening."""
    report = event.report
    assert report.id is not None
    entry = _latest_entry(session, col(ReportEvent.report_id) == report.id)
    if event.to_status is ReportStatus.ACCEPTED and event.from_status is ReportStatus.CLOSED:
        message = messages.case_reopened_message(report.id, event.note)
        recipients: Iterable[int] = _coordinators_over(session, report.area_path)
    else:
        found = messages.report_status_message(
            report.id,
            event.from_status,
            event.to_status,
            event.note,
            merged_into=report.duplicate_of_id,
            # Closed once and back again: its reporter said it is not fixed.
            reopened=report.closed_at is not None,
        )
        if found is None:
            return
        message = found
        recipients = (
            [report.reporter_id]
            if event.to_status is ReportStatus.DUPLICATE
            else _followers(session, report)
        )
    _notify_others(session, recipients, event.actor_id, message, f"event:{entry.id}", report)
    if event.to_status is ReportStatus.RESOLVED:
        _notify_others(
            session,
            coordinators_covering(session, report.area_path),
            event.actor_id,
            messages.verification_message(report.id, event.note),
            f"verify:{entry.id}",
            report,
        )


@subscribe(TaskStatusChanged)
def on_task_status_changed(session: Session, event: TaskStatusChanged) -> None:
    """Tell a unit of its new and reopened tasks, and coordinators of returned ones."""
    task, report = event.task, event.report
    assert task.id is not None
    assert report.id is not None
    entry = _latest_entry(session, col(ReportEvent.task_id) == task.id)
    if event.to_status is TaskStatus.OPEN:
        category = session.get_one(Category, report.category_code)
        make = (
            messages.task_assigned_message
            if event.from_status is None
            else messages.task_reopened_message
        )
        message = make(report.id, category.name_zh, category.name_en, entry.note)
        recipients = _unit_accounts(session, task.unit_id)
    elif event.to_status is TaskStatus.RETURNED:
        unit = session.get_one(Unit, task.unit_id)
        message = messages.task_returned_message(report.id, unit.name, entry.note)
        recipients = _coordinators_over(session, report.area_path)
    else:
        return
    _notify_others(session, recipients, event.actor_id, message, f"event:{entry.id}", report, task)


@subscribe(TaskOverdue)
def on_task_overdue(session: Session, event: TaskOverdue) -> None:
    """Tell the grid's coordinators of an overdue task, or the street's when it is escalated."""
    task, report = event.task, event.report
    assert task.id is not None
    assert report.id is not None
    unit = session.get_one(Unit, task.unit_id)
    message = messages.task_overdue_message(report.id, unit.name, escalated=event.escalated)
    recipients = _coordinators_over(session, report.area_path, escalated=event.escalated)
    # Keyed by the task and its deadline, not by the run: every worker derives the same key.
    key = f"task:{task.id}:{message.kind}:{task.due_at.isoformat()}"
    _notify_others(session, recipients, None, message, key, report, task)


def _notify_others(
    session: Session,
    recipients: Iterable[int],
    actor_id: int | None,
    message: messages.NotificationText,
    dedupe_key: str,
    report: Report,
    task: Task | None = None,
) -> None:
    notify(
        session,
        (account_id for account_id in recipients if account_id != actor_id),
        message,
        dedupe_key=dedupe_key,
        report_id=report.id,
        task_id=task.id if task else None,
    )


def _latest_entry(session: Session, condition: ColumnElement[bool]) -> ReportEvent:
    # The publisher appended this timeline entry just before announcing the change.
    return session.exec(
        select(ReportEvent).where(condition).order_by(col(ReportEvent.id).desc()).limit(1)
    ).one()


def _followers(session: Session, report: Report) -> list[int]:
    """The case's reporter, the reporters of the reports merged into it, and its supporters."""
    assert report.id is not None
    merged = select(Report.reporter_id).where(col(Report.duplicate_of_id) == report.id)
    return [report.reporter_id, *session.exec(merged), *supporters_of(session, report.id)]


def _unit_accounts(session: Session, unit_id: int) -> list[int]:
    query = select(Account.id).where(
        Account.unit_id == unit_id,
        Account.role == Role.UNIT,
        Account.status == AccountStatus.ACTIVE,
    )
    return [account_id for account_id in session.exec(query) if account_id is not None]


def _coordinators_over(
    session: Session, area_path: str | None, *, escalated: bool = False
) -> list[int]:
    """The coordinators who answer for an area: those owning its grid or community (矛盾不上交),
    else, or when `escalated`, those owning the nearest area above (the street, else the county).
    """
    if area_path is None:
        return []
    query = (
        select(Account.id, Grid.level, Grid.path)
        .join(AccountArea, col(AccountArea.account_id) == Account.id)
        .join(Grid, col(Grid.code) == AccountArea.area_code)
        .where(
            col(Grid.path).in_([*ancestor_paths(area_path), area_path]),
            Account.role == Role.COORDINATOR,
            Account.status == AccountStatus.ACTIVE,
        )
    )
    owners = [
        (account_id, level, path)
        for account_id, level, path in session.exec(query)
        if account_id is not None
    ]
    local = {account_id for account_id, level, _ in owners if level in LOCAL_LEVELS}
    if local and not escalated:
        return sorted(local)
    above = [(path, account_id) for account_id, level, path in owners if level not in LOCAL_LEVELS]
    if not above:
        return []
    nearest = max(len(path) for path, _ in above)  # a deeper area has a longer path
    return sorted({account_id for path, account_id in above if len(path) == nearest})
