"""What the reports domain announces (app.core.events); other domains subscribe."""

from dataclasses import dataclass

from app.reports.models import Report
from app.reports.states import ReportStatus


@dataclass(frozen=True)
class ReportCreated:
    report: Report


@dataclass(frozen=True)
class ReportStatusChanged:
    report: Report
    from_status: ReportStatus
    to_status: ReportStatus
    actor_id: int | None
    note: str | None
