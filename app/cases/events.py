"""What the cases domain announces (app.core.events); other domains subscribe."""

from dataclasses import dataclass

from app.cases.models import Task
from app.cases.states import TaskStatus
from app.reports.models import Report, ReportRating


@dataclass(frozen=True)
class TaskStatusChanged:
    """A task was created (from_status None), accepted, returned, completed or reopened."""

    task: Task
    report: Report
    from_status: TaskStatus | None
    to_status: TaskStatus
    actor_id: int | None


@dataclass(frozen=True)
class TaskOverdue:
    task: Task
    report: Report
    escalated: bool  # True when the grace passed and the street's coordinators were alerted


@dataclass(frozen=True)
class CaseRated:
    """A reporter rated a closed case."""

    report: Report
    rating: ReportRating
