"""What waits for an area manager, counted as the lists they open would count it."""

from sqlalchemy import ColumnElement, exists, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.accounts.models import Account, AccountStatus
from app.accounts.scope import Scope
from app.cases.access import visible_tasks
from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES, TaskStatus
from app.inbox.schemas import InboxCounts
from app.notifications.service import unread_count
from app.reports.access import visible_reports
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.riders.models import RiderProfile
from app.riders.service import in_scope as riders_in_scope


def inbox_counts(session: Session, scope: Scope) -> InboxCounts:
    """Reports to accept, cases to verify, returned tasks not yet dispatched again, overdue
    tasks still open, registrations to review, and unread notifications."""
    return InboxCounts(
        new_reports=_count_reports(session, scope, ReportStatus.SUBMITTED),
        verification=_count_reports(session, scope, ReportStatus.RESOLVED),
        returned_tasks=_count_reports(
            session,
            scope,
            ReportStatus.ACCEPTED,
            exists().where(
                col(Task.report_id) == Report.id, col(Task.status) == TaskStatus.RETURNED
            ),
        ),
        overdue_tasks=_count(
            session,
            select(func.count())
            .select_from(Task)
            .join(Report, col(Report.id) == Task.report_id)
            .where(
                visible_tasks(scope),
                col(Task.overdue_at).is_not(None),
                col(Task.status).in_(ACTIVE_TASK_STATUSES),
            ),
        ),
        registrations=_count(
            session,
            select(func.count())
            .select_from(RiderProfile)
            .join(Account, col(Account.id) == RiderProfile.account_id)
            .where(riders_in_scope(scope), Account.status == AccountStatus.PENDING),
        ),
        unread=unread_count(session, scope.account_id),
    )


def _count_reports(
    session: Session, scope: Scope, status: ReportStatus, *more: ColumnElement[bool]
) -> int:
    query = select(func.count()).where(visible_reports(scope), Report.status == status, *more)
    return _count(session, query)


def _count(session: Session, query: SelectOfScalar[int]) -> int:
    return int(session.exec(query).one())
