"""Triage (问题发现): a coordinator accepts a report as a case, rejects it, or merges it."""

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.cases.access import lock_reports, require_case_coordinator
from app.core.errors import Conflict, TransitionNotAllowed, Unprocessable
from app.core.messages import Message
from app.core.status_words import status_words
from app.reports.access import load_visible_report, visible_reports
from app.reports.models import Report
from app.reports.states import MERGE_TARGET_STATUSES, ReportStatus
from app.reports.workflow import change_status


def accept_report(session: Session, scope: Scope, report_id: int, *, note: str | None) -> Report:
    """The report becomes a case (`accepted`)."""
    report = load_visible_report(session, scope, report_id)
    require_case_coordinator(scope, report)
    # Checked here, not only by the state machine: returned cases move to accepted too.
    if report.status is not ReportStatus.SUBMITTED:
        raise TransitionNotAllowed(
            Message("cases.accept-needs-submitted", status=status_words("report", report.status))
        )
    change_status(session, report, ReportStatus.ACCEPTED, actor_id=scope.account_id, note=note)
    return report


def reject_report(session: Session, scope: Scope, report_id: int, *, reason: str) -> Report:
    """The report is `rejected`; its reporter sees the reason."""
    report = load_visible_report(session, scope, report_id)
    require_case_coordinator(scope, report)
    change_status(
        session,
        report,
        ReportStatus.REJECTED,
        actor_id=scope.account_id,
        note=reason,
        rejection_reason=reason,
    )
    return report


def merge_report(
    session: Session, scope: Scope, report_id: int, *, into_id: int, note: str | None
) -> Report:
    """The report becomes a `duplicate` of an open case; its reporter follows that case.

    Reports merged into this one before follow the case it joins now.
    """
    report = load_visible_report(session, scope, report_id)
    require_case_coordinator(scope, report)
    if into_id == report.id:
        raise Unprocessable.for_field("into", Message("cases.merge-into-itself"))
    target = session.exec(
        select(Report).where(Report.id == into_id, visible_reports(scope))
    ).first()
    if target is None:
        raise Unprocessable.for_field("into", Message("cases.no-case-in-areas", case_id=into_id))
    lock_reports(session, report, target)
    if target.status not in MERGE_TARGET_STATUSES:
        raise Conflict(
            Message(
                "cases.merge-target-closed",
                case_id=into_id,
                status=status_words("report", target.status),
            )
        )
    change_status(
        session,
        report,
        ReportStatus.DUPLICATE,
        actor_id=scope.account_id,
        note=note,
        duplicate_of_id=target.id,
    )
    session.execute(
        update(Report)
        .where(col(Report.duplicate_of_id) == report.id)
        .values(duplicate_of_id=target.id)
        .execution_options(synchronize_session=False)
    )
    return report
