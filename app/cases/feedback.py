"""Feedback (结果反馈): the reporter rates a closed case, or says within 7 days it is not fixed."""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.cases.events import CaseRated
from app.core import clock
from app.core.errors import Conflict, Forbidden, TransitionNotAllowed
from app.core.events import publish
from app.core.messages import Message
from app.core.status_words import status_words
from app.reports.access import load_visible_report
from app.reports.models import Report, ReportRating
from app.reports.states import ReportStatus
from app.reports.workflow import change_status

REOPEN_WINDOW = timedelta(days=7)


def rate_case(
    session: Session, scope: Scope, report_id: int, *, stars: int, comment: str
) -> ReportRating:
    """The reporter's stars and comment on a closed case, once per reporter (409 again)."""
    report = _load_case_for_reporter(session, scope, report_id)
    if report.status is not ReportStatus.CLOSED:
        raise TransitionNotAllowed(
            Message("cases.rate-needs-closed", status=status_words("report", report.status))
        )
    assert report.id is not None
    if _rating_of(session, report.id, scope.account_id) is not None:
        raise Conflict(Message("cases.rated-already"))
    rating = ReportRating(
        report_id=report.id, rater_id=scope.account_id, stars=stars, comment=comment
    )
    session.add(rating)
    try:
        session.flush()
    except IntegrityError:
        # The same reporter rating twice at once: the unique key lets one through.
        raise Conflict(Message("cases.rated-already")) from None
    publish(session, CaseRated(report, rating))
    return rating


def reopen_case(session: Session, scope: Scope, report_id: int, *, reason: str) -> Report:
    """Not fixed: the reporter sends a closed case back to `accepted`, within 7 days."""
    report = _load_case_for_reporter(session, scope, report_id)
    # Checked here, not only by the state machine: submitted -> accepted is an edge too.
    if report.status is not ReportStatus.CLOSED:
        raise TransitionNotAllowed(
            Message("cases.reopen-needs-closed", status=status_words("report", report.status))
        )
    assert report.closed_at is not None
    if clock.utcnow() - report.closed_at > REOPEN_WINDOW:
        raise Conflict(Message("cases.reopen-window-passed"))
    change_status(session, report, ReportStatus.ACCEPTED, actor_id=scope.account_id, note=reason)
    return report


def _load_case_for_reporter(session: Session, scope: Scope, report_id: int) -> Report:
    """The case if the caller reported it or a report merged into it (404, then 403)."""
    report = load_visible_report(session, scope, report_id)
    if report.status is ReportStatus.DUPLICATE and report.reporter_id == scope.account_id:
        raise TransitionNotAllowed(
            Message("cases.merged-act-on-case", case_id=str(report.duplicate_of_id))
        )
    if report.reporter_id != scope.account_id and not _follows(session, scope, report):
        raise Forbidden(Message("cases.reporter-only"))
    return report


def _follows(session: Session, scope: Scope, report: Report) -> bool:
    merged = select(Report.id).where(
        col(Report.duplicate_of_id) == report.id, Report.reporter_id == scope.account_id
    )
    return session.exec(merged).first() is not None


def _rating_of(session: Session, report_id: int, rater_id: int) -> ReportRating | None:
    query = select(ReportRating).where(
        ReportRating.report_id == report_id, ReportRating.rater_id == rater_id
    )
    return session.exec(query).first()
