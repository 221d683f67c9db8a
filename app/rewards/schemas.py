"""What the rewards endpoints take and give: the catalogue and redemptions."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.core.inputs import DbId, omittable
from app.rewards.models import PICKUP_CODE_DIGITS, RedemptionStatus
from app.riders.public import RiderBrief

PICTURE_URL_PATTERN = r"^(https?://|/)\S+$"


class RewardCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    cost: int = Field(gt=0, le=1_000_000)
    stock: int = Field(ge=0, le=1_000_000)
    description: str = Field(default="", max_length=500)
    picture_url: str | None = Field(default=None, max_length=500, pattern=PICTURE_URL_PATTERN)
    pickup_place: str = Field(default="", max_length=200, description="领取地点")
    pickup_hours: str = Field(default="", max_length=100, description="领取时间")
    monthly_limit_per_rider: int | None = Field(default=None, ge=1, le=1000)
    community_code: str | None = Field(default=None, max_length=32)


class RewardUpdate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True)] = omittable(
        min_length=1, max_length=100
    )
    cost: int = omittable(gt=0, le=1_000_000)
    description: str = omittable(max_length=500)
    picture_url: str | None = Field(default=None, max_length=500, pattern=PICTURE_URL_PATTERN)
    pickup_place: str = omittable(max_length=200)
    pickup_hours: str = omittable(max_length=100)
    monthly_limit_per_rider: int | None = Field(default=None, ge=1, le=1000)
    active: bool = omittable()
    add_stock: int = Field(
        default=0, ge=-1_000_000, le=1_000_000, description="restock (+) or write off (-)"
    )


class RewardPublic(BaseModel):
    id: int
    name: str
    cost: int
    stock: int
    community_code: str | None
    description: str
    picture_url: str | None
    pickup_place: str
    pickup_hours: str
    monthly_limit_per_rider: int | None
    active: bool


class RewardList(BaseModel):
    items: list[RewardPublic]
    next_cursor: str | None = None


class RedemptionRequest(BaseModel):
    reward_id: DbId


class IssueRequest(BaseModel):
    pickup_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PICKUP_CODE_DIGITS)
    ] = Field(description="the code the rider shows when collecting the item")


class CancelRequest(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RedemptionPublic(BaseModel):
    id: int
    reward_id: DbId
    reward_name: str
    cost: int
    status: RedemptionStatus
    created_at: datetime
    issued_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    picture_url: str | None
    pickup_place: str
    pickup_hours: str
    # The rider's own answers only: the coordinator is told it by the rider, and checks it.
    pickup_code: str | None = None
    rider: RiderBrief | None = None


class RedemptionList(BaseModel):
    items: list[RedemptionPublic]
    next_cursor: str | None = None
