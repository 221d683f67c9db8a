"""Who may see which report: the one rule every report and task query follows."""

from sqlalchemy import ColumnElement, exists, false, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.accounts.access import AREA_MANAGERS, RIDERS, RoleRule
from app.accounts.models import Role
from app.accounts.scope import Scope
from app.cases.models import Task
from app.core.area_paths import under_any
from app.core.errors import NotFound
from app.core.messages import Message
from app.reports.models import Report, ReportSupporter

SUBMITTERS = (RIDERS | AREA_MANAGERS).refusing(Message("reports.units-do-not-submit"))
RECORDERS = AREA_MANAGERS.refusing(Message("reports.recorders-only"))
# Seeing what redaction hid is for the coordinators who handle the case, not for admins at large.
REVEALERS = RoleRule(frozenset({Role.COORDINATOR}), Message("reports.revealers-only"))
URGENT_FOLLOWERS = AREA_MANAGERS.refusing(Message("reports.urgent-followers-only"))


def reads_urgent_first(role: Role) -> bool:
    """Area managers' queues put urgent reports on top; riders see theirs newest first."""
    return AREA_MANAGERS.admits(role)


def visible_reports(scope: Scope) -> ColumnElement[bool]:
    """SQL condition on Report: the rows this scope may see.

    Admins see all; coordinators the reports assigned to their areas (a report in no grid
    carries its nearest community's path); units the reports they hold a task for; riders
    their own reports, the cases their reports were merged into and the reports they support.
    """
    if scope.sees_everything:
        return true()
    if scope.role is Role.COORDINATOR:
        return under_any(Report.area_path, scope.area_paths or ())
    if scope.role is Role.UNIT:
        if scope.unit_id is None:
            return false()
        return exists(
            select(Task.id).where(Task.report_id == Report.id, Task.unit_id == scope.unit_id)
        )
    own = aliased(Report)
    merged_into = select(own.duplicate_of_id).where(
        own.reporter_id == scope.account_id,
        own.duplicate_of_id.is_not(None),  # type: ignore[union-attr]
    )
    supported = select(ReportSupporter.report_id).where(
        ReportSupporter.rider_id == scope.account_id
    )
    return or_(
        col(Report.reporter_id) == scope.account_id,
        col(Report.id).in_(merged_into.scalar_subquery()),
        col(Report.id).in_(supported.scalar_subquery()),
    )


def load_visible_report(session: Session, scope: Scope, report_id: int) -> Report:
    """The report if the caller may see it; 404 otherwise (never reveal that it exists)."""
    report = session.exec(
        select(Report).where(Report.id == report_id, visible_reports(scope))
    ).first()
    if report is None:
        raise NotFound(Message("reports.no-report", report_id=report_id))
    return report
