"""Tasks (分办): a case sent to a handling unit, with a deadline."""

from datetime import datetime

from sqlalchemy import Index, Text
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
