"""The rewards catalogue (奖品) and redemptions (兑换) paid for with points."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field

PICKUP_CODE_DIGITS = 6


class Reward(SQLModel, table=True):
    """An item riders redeem; `community_code` (a street or community) limits who sees it."""

    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("cost > 0", name="cost_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    picture_url: str | None = Field(default=None, max_length=500)
    # Where and when a redeemed item is handed over (领取地点, 领取时间), shown to riders.
    pickup_place: str = Field(default="", max_length=200)
    pickup_hours: str = Field(default="", max_length=100)
    cost: int
    stock: int
    monthly_limit_per_rider: int | None = None
    community_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    # The area's path, so that a rider's community finds the catalogues above it.
    area_path: str | None = Field(default=None, max_length=200, index=True)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)
    updated_at: datetime = time_field(default_factory=utcnow)


class RedemptionStatus(StrEnum):
    PENDING = "pending"  # points and stock taken; the item waits to be handed over
    ISSUED = "issued"
    CANCELLED = "cancelled"  # points and stock given back


class Redemption(SQLModel, table=True):
    __table_args__ = (
        Index("ix_redemption_rider_reward_created", "rider_id", "reward_id", "created_at"),
        Index("ix_redemption_status_id", "status", "id"),
        Index("ix_redemption_rider_id", "rider_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rider_id: int = Field(foreign_key="account.id")
    reward_id: int = Field(foreign_key="reward.id")
    cost: int  # the price paid, kept if the reward's cost changes later
    # Shown to the rider only; the coordinator handing the item over types it in (兑换码).
    pickup_code: str = Field(max_length=PICKUP_CODE_DIGITS)
    status: RedemptionStatus = enum_field(RedemptionStatus, default=RedemptionStatus.PENDING)
    created_at: datetime = time_field(default_factory=utcnow)
    issued_at: datetime | None = time_field(default=None, nullable=True)
    issued_by_id: int | None = Field(default=None, foreign_key="account.id")
    cancelled_at: datetime | None = time_field(default=None, nullable=True)
    cancelled_by_id: int | None = Field(default=None, foreign_key="account.id")
    cancel_reason: str | None = Field(default=None, max_length=200)
