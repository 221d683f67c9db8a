"""The JSON shapes of the case workflow: triage, tasks, verification and feedback."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    model_validator,
)

from app.cases.models import BulkOutcome, Task
from app.cases.states import ACTIVE_TASK_STATUSES, TaskStatus
from app.cases.workload import UnitWorkload
from app.core.inputs import BoundedAwareDatetime, DbId
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.units.models import Unit

DESCRIPTION_PREVIEW_CHARS = 120


def _blank_to_none(value: str | None) -> str | None:
    return value or None


# A reason the other side reads (a rejection, a return, "it is not fixed"): never blank.
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# An optional remark; blank counts as none.
Note = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None,
    AfterValidator(_blank_to_none),
]


class AcceptBody(BaseModel):
    note: Note = None


class RejectBody(BaseModel):
    reason: Reason = Field(description="shown to the reporter")


class MergeBody(BaseModel):
    into: DbId = Field(description="the open case this report duplicates")
    note: Note = None


class DispatchBody(BaseModel):
    unit_code: str = Field(min_length=1, max_length=32)
    note: Note = None
    due_at: BoundedAwareDatetime | None = Field(
        default=None,
        description="the deadline; by default the category's time limit from now, in working "
        "hours of the work calendar (wall-clock hours for emergencies)",
    )


BULK_MAX_REPORTS = 100


class BulkAction(StrEnum):
    ACCEPT = "accept"
    MERGE = "merge"
    DISPATCH = "dispatch"


class BulkItem(BaseModel):
    id: DbId
    updated_at: BoundedAwareDatetime | None = Field(
        default=None,
        description="the report's updated_at as the caller saw it: a report changed since is "
        "left alone (outcome `stale`)",
    )


class BulkBody(BaseModel):
    action: BulkAction
    client_id: uuid.UUID = Field(description="chosen by the client; a retry sends the same")
    reports: list[BulkItem] = Field(min_length=1, max_length=BULK_MAX_REPORTS)
    into: DbId | None = Field(default=None, description="merge: the open case they duplicate")
    unit_code: str | None = Field(
        default=None, min_length=1, max_length=32, description="dispatch: the handling unit"
    )
    note: Note = None

    @model_validator(mode="after")
    def _fits_action(self) -> "BulkBody":
        ids = [item.id for item in self.reports]
        if len(set(ids)) != len(ids):
            raise ValueError("each report may be named once")
        if self.action is BulkAction.MERGE and (self.into is None or self.into in ids):
            raise ValueError("merge needs `into`, an open case that is not one of the reports")
        if self.action is BulkAction.DISPATCH and self.unit_code is None:
            raise ValueError("dispatch needs `unit_code`")
        return self


class BulkLine(BaseModel):
    id: int = Field(description="the report")
    outcome: BulkOutcome
    detail: str | None = Field(description="why not, when the outcome is not `done`")
    task_id: int | None = Field(description="dispatch: the new task")


class BulkResult(BaseModel):
    results: list[BulkLine] = Field(description="one line per report, in the request's order")


class ReturnBody(BaseModel):
    reason: Reason


class VerifyBody(BaseModel):
    approved: bool
    note: Note = Field(default=None, description="required for rework (返工): what to redo")
    task_id: DbId | None = Field(
        default=None, description="rework only this completed task (default: every one)"
    )


class RatingBody(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class ReopenBody(BaseModel):
    reason: Reason = Field(description="why it is not fixed")


class TaskCase(BaseModel):
    """The case a task belongs to, in brief."""

    status: ReportStatus
    category: str = Field(description="category code")
    description: str = Field(description=f"the first {DESCRIPTION_PREVIEW_CHARS} characters")
    urgent: bool
    grid_code: str | None
    community_code: str | None


class TaskPublic(BaseModel):
    id: int
    report_id: DbId
    unit_code: str
    unit_name: str
    status: TaskStatus
    due_at: datetime
    overdue: bool = Field(description="still open or in progress after due_at")
    escalated: bool = Field(description="overdue beyond the grace; the street was alerted")
    note: str | None
    return_reason: str | None
    result_note: str | None
    rework_count: int
    created_at: datetime
    accepted_at: datetime | None
    completed_at: datetime | None
    returned_at: datetime | None
    report: TaskCase


class TaskPage(BaseModel):
    items: list[TaskPublic]
    next_cursor: str | None


class UnitWorkloadList(BaseModel):
    items: list[UnitWorkload]


class RatingPublic(BaseModel):
    report_id: DbId
    stars: int
    comment: str
    created_at: datetime


def task_public(task: Task, unit: Unit, report: Report, *, now: datetime) -> TaskPublic:
    """A task as its unit and the case's coordinators see it."""
    assert task.id is not None
    return TaskPublic(
        id=task.id,
        report_id=task.report_id,
        unit_code=unit.code,
        unit_name=unit.name,
        status=task.status,
        due_at=task.due_at,
        overdue=task.status in ACTIVE_TASK_STATUSES
        and (task.overdue_at is not None or task.due_at <= now),
        escalated=task.escalated_at is not None and task.status in ACTIVE_TASK_STATUSES,
        note=task.note,
        return_reason=task.return_reason,
        result_note=task.result_note,
        rework_count=task.rework_count,
        created_at=task.created_at,
        accepted_at=task.accepted_at,
        completed_at=task.completed_at,
        returned_at=task.returned_at,
        report=TaskCase(
            status=report.status,
            category=report.category_code,
            description=report.description[:DESCRIPTION_PREVIEW_CHARS],
            urgent=report.urgent,
            grid_code=report.grid_code,
            community_code=report.community_code,
        ),
    )
