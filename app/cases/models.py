"""Tasks (分办): a case sent to a handling unit, with a deadline; and the record of bulk
actions, which makes their retries safe."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.cases.states import TaskStatus
from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class Task(SQLModel, table=True):
    __table_args__ = (
        # A unit's task list, newest first, with or without a status.
        Index("ix_task_unit_id", "unit_id", "id"),
        Index("ix_task_unit_status_id", "unit_id", "status", "id"),
        Index("ix_task_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    status: TaskStatus = enum_field(TaskStatus, default=TaskStatus.OPEN)
    note: str | None = Field(default=None, sa_type=Text)
    due_at: datetime = time_field()
    dispatched_by_id: int = Field(foreign_key="account.id")
    return_reason: str | None = Field(default=None, max_length=500)
    result_note: str | None = Field(default=None, sa_type=Text)
    rework_count: int = 0
    overdue_at: datetime | None = time_field(default=None, nullable=True)
    escalated_at: datetime | None = time_field(default=None, nullable=True)
    accepted_at: datetime | None = time_field(default=None, nullable=True)
    completed_at: datetime | None = time_field(default=None, nullable=True)
    returned_at: datetime | None = time_field(default=None, nullable=True)
    created_at: datetime = time_field(default_factory=utcnow)
    updated_at: datetime = time_field(default_factory=utcnow)


class BulkOutcome(StrEnum):
    """What a bulk action did to one report."""

    DONE = "done"
    STALE = "stale"  # someone else changed the report after the caller saw it
    NOT_ALLOWED = "not_allowed"  # the action does not apply to the report's status
    NOT_IN_AREA = "not_in_area"  # no such report among those the caller coordinates
    INVALID = "invalid"  # the action's input does not fit this report (a unit, a target)


class BulkAction(SQLModel, table=True):
    """One bulk request of a coordinator, by the client_id it chose: a retry finds it here."""

    __tablename__ = "bulk_action"
    __table_args__ = (UniqueConstraint("account_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    client_id: str = Field(max_length=36)
    # SHA-256 of the request: the same client_id with another request is a 409.
    fingerprint: str = Field(max_length=64)
    created_at: datetime = time_field(default_factory=utcnow)


class BulkActionResult(SQLModel, table=True):
    """What a bulk action did to one report, written in the transaction that did it."""

    __tablename__ = "bulk_action_result"
    __table_args__ = (UniqueConstraint("bulk_action_id", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    bulk_action_id: int = Field(foreign_key="bulk_action.id")
    # No foreign key: a line may say that no such report exists (in the caller's areas).
    report_id: int
    outcome: BulkOutcome = enum_field(BulkOutcome)
    detail: str | None = Field(default=None, max_length=500)
    task_id: int | None = None
