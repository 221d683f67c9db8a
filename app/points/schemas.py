"""What the points endpoints take and give: entries, adjustments, rules, leaderboards."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from app.core.inputs import DbId
from app.core.messages import Message, MessageError
from app.points.rules import EntryKind, PointsRuleCode
from app.riders.public import RiderBrief


class EntryPublic(BaseModel):
    id: int
    amount: int
    kind: EntryKind
    reason: str
    report_id: int | None
    source_id: str
    rule_points: int | None
    created_at: datetime


class PointsSummary(BaseModel):
    balance: int
    entries: list[EntryPublic]


class AdjustmentRequest(BaseModel):
    rider_id: DbId
    amount: int = Field(ge=-100_000, le=100_000, description="points to add (+) or deduct (-)")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    client_id: uuid.UUID | None = Field(default=None, description="retry-safe key")

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise MessageError(Message("points.zero-adjustment"))
        return value


class RulePublic(BaseModel):
    code: PointsRuleCode
    points: int
    name_zh: str
    name_en: str
    updated_at: datetime


class RuleList(BaseModel):
    items: list[RulePublic]


class RuleUpdate(BaseModel):
    points: int = Field(ge=0, le=10_000)


class BoardKind(StrEnum):
    RIDERS = "riders"
    TEAMS = "teams"


class BoardPeriod(StrEnum):
    MONTH = "month"
    ALL = "all"


class RiderStandingPublic(BaseModel):
    rank: int
    points: int
    rider: RiderBrief


class TeamStandingPublic(BaseModel):
    rank: int
    points: int
    team_id: DbId
    name: str
    community_code: str
    member_count: int


class Leaderboard(BaseModel):
    kind: BoardKind
    period: BoardPeriod
    area: str | None
    month: str | None
    items: list[RiderStandingPublic] | list[TeamStandingPublic]
