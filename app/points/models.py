"""The points ledger: editable rules, one entry per paying event, a balance per rider."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import StrEnumType, enum_field, time_field
from app.points.rules import EntryKind, PointsRuleCode


class PointsRule(SQLModel, table=True):
    """The current value of one rule; entries stamp the value they were paid under."""

    __tablename__ = "points_rule"

    code: PointsRuleCode = Field(primary_key=True, sa_type=StrEnumType(PointsRuleCode, 32))
    points: int = Field(ge=0)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=100)
    updated_at: datetime = time_field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="account.id")


class PointsAccount(SQLModel, table=True):
    """A rider's balance, kept equal to the sum of their entries and never below zero."""

    __tablename__ = "points_account"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    rider_id: int = Field(primary_key=True, foreign_key="account.id")
    balance: int = 0
    updated_at: datetime = time_field(default_factory=utcnow)


class PointsEntry(SQLModel, table=True):
    """One change of a balance. (rider, kind, source) is unique, so no event pays twice."""

    __tablename__ = "points_entry"
    __table_args__ = (
        UniqueConstraint("rider_id", "kind", "source_id"),
        Index("ix_points_entry_rider_created", "rider_id", "created_at", "id"),
        Index("ix_points_entry_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rider_id: int = Field(foreign_key="account.id")
    amount: int
    kind: EntryKind = enum_field(EntryKind)
    # The report, task, notice, redemption or adjustment key that caused the entry.
    source_id: str = Field(max_length=64)
    reason: str = Field(max_length=200)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    # The rule's value when paid; `amount` is less when the daily cap cut it.
    rule_points: int | None = None
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)
