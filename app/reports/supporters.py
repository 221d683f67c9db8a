"""我也遇到 ("me too"): riders who see a problem already reported join it instead of sending it
again; they follow the case from then on as its reporter does.

Joining twice counts once, even from two requests at once: the row's key is (report, rider)
and the insert skips a row that exists (INSERT … ON CONFLICT DO NOTHING).
"""

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.core.errors import Conflict, Forbidden, NotFound
from app.core.messages import Message
from app.reports.models import Report, ReportSupporter
from app.reports.states import OPEN_REPORT_STATUSES


def support(session: Session, report_id: int, rider_id: int) -> tuple[int, bool]:
    """Record `rider_id` as a supporter of the open report (flushes; the caller commits).

    Returns the supporters now counted and whether this call added the rider."""
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(Message("reports.no-report", report_id=report_id))
    if report.reporter_id == rider_id:
        raise Forbidden(Message("reports.own-report"))
    if report.status not in OPEN_REPORT_STATUSES:
        if report.duplicate_of_id is not None:
            raise Conflict(Message("reports.join-merged", case_id=report.duplicate_of_id))
        raise Conflict(Message("reports.join-closed"))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = session.execute(
        insert(ReportSupporter)
        .values(report_id=report_id, rider_id=rider_id)
        .on_conflict_do_nothing(index_elements=["report_id", "rider_id"])
        .returning(col(ReportSupporter.rider_id))
    ).first()
    return supporter_counts(session, [report_id]).get(report_id, 0), added is not None


def supporter_counts(session: Session, report_ids: Sequence[int]) -> dict[int, int]:
    """How many riders support each report (the reporter never counts), in one query."""
    if not report_ids:
        return {}
    rows = session.exec(
        select(ReportSupporter.report_id, func.count())
        .where(col(ReportSupporter.report_id).in_(list(report_ids)))
        .group_by(col(ReportSupporter.report_id))
    )
    return {report_id: count for report_id, count in rows}


def supporters_of(session: Session, report_id: int) -> list[int]:
    """The riders who support a report: they hear of the case as its reporter does."""
    query = select(ReportSupporter.rider_id).where(ReportSupporter.report_id == report_id)
    return list(session.exec(query))
