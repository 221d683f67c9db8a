"""Verification tasks (核查): an active rider near a completed task checks "is it fixed?"."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class VerificationStatus(StrEnum):
    OPEN = "open"  # offered to the riders nearest the case (VerificationOffer)
    SUBMITTED = "submitted"  # the first valid check arrived; no one else may take it
    EXPIRED = "expired"  # the coordinator decided (closed or sent back) before anyone checked


class VerificationTask(SQLModel, table=True):
    __tablename__ = "verification_task"
    __table_args__ = (
        # One offer per completion of a task: a reworked task completes again in a new round.
        UniqueConstraint("task_id", "round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    task_id: int = Field(foreign_key="task.id")
    round: int = 0
    community_code: str = Field(foreign_key="grid.code", max_length=32)
    area_path: str | None = Field(default=None, max_length=200)
    status: VerificationStatus = enum_field(VerificationStatus, default=VerificationStatus.OPEN)
    note: str | None = Field(default=None, max_length=500)
    submitted_by_id: int | None = Field(default=None, foreign_key="account.id")
    submitted_at: datetime | None = time_field(default=None, nullable=True)
    expired_at: datetime | None = time_field(default=None, nullable=True)
    created_at: datetime = time_field(default_factory=utcnow)


class VerificationOffer(SQLModel, table=True):
    """A rider a check was offered to: one of the nearest when the unit completed its task."""

    __tablename__ = "verification_offer"
    # A rider's offered checks, newest first.
    __table_args__ = (
        Index("ix_verification_offer_rider_verification", "rider_id", "verification_id"),
    )

    verification_id: int = Field(foreign_key="verification_task.id", primary_key=True)
    rider_id: int = Field(foreign_key="account.id", primary_key=True)
