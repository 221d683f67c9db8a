"""The figures follow every report change, in the transaction that made it."""

from sqlmodel import Session

from app.core.events import subscribe
from app.figures.rollup import count_report
from app.reports.events import ReportCreated, ReportStatusChanged


@subscribe(ReportCreated)
def on_report_created(session: Session, event: ReportCreated) -> None:
    assert event.report.id is not None
    count_report(session, event.report.id)


@subscribe(ReportStatusChanged)
def on_report_status_changed(session: Session, event: ReportStatusChanged) -> None:
    assert event.report.id is not None
    count_report(session, event.report.id)
