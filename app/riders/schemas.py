"""What the rider and team endpoints take and give."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from app.accounts.models import AccountStatus
from app.core.inputs import DbId, omittable
from app.core.messages import Message, MessageError
from app.riders.models import Platform, RiderRole
from app.riders.public import RiderPublic


def _stripped_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise MessageError(Message("riders.name-blank"))
    return value


class RiderRegistration(BaseModel):
    phone: str = Field(min_length=11, max_length=11)
    name: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=8, max_length=128)
    platform: Platform
    party_member: bool = False
    community_code: str = Field(min_length=1, max_length=32)
    team_id: DbId | None = None
    roles: list[RiderRole] = Field(default_factory=list, max_length=4)
    privacy_consent_version: str = Field(
        min_length=1,
        max_length=32,
        description="the `version` of GET /privacy-notice that the rider read and agreed to",
    )

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        return _stripped_name(value)


class PrivacyNoticePublic(BaseModel):
    version: str
    text_zh: str
    text_en: str


class RiderRegistered(BaseModel):
    id: int
    status: AccountStatus
    name: str
    phone: str
    platform: Platform
    party_member: bool
    community_code: str
    team_id: int | None
    roles: list[RiderRole]
    privacy_consent_version: str | None
    privacy_consented_at: datetime | None


class RiderDetail(RiderPublic):
    registered_at: datetime
    reviewed_at: datetime | None
    rejection_reason: str | None
    privacy_consent_version: str | None = Field(
        description="the privacy notice the rider agreed to; null if registered before consent "
        "was recorded"
    )
    privacy_consented_at: datetime | None


class RiderList(BaseModel):
    items: list[RiderPublic]
    next_cursor: str | None


class ProfileChanges(BaseModel):
    """What a rider may change about themself (the community needs a new registration)."""

    name: str = omittable(min_length=1, max_length=50)
    platform: Platform = omittable()
    party_member: bool = omittable()
    team_id: DbId | None = Field(default=None, description="null leaves the team")
    roles: list[RiderRole] = omittable(max_length=4)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        return _stripped_name(value)


class RiderChangesByManager(BaseModel):
    team_id: DbId | None = Field(default=None, description="null takes the rider off the team")
    roles: list[RiderRole] = omittable(max_length=4)


class Rejection(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class TeamPublic(BaseModel):
    id: int
    name: str
    community_code: str


class TeamList(BaseModel):
    items: list[TeamPublic]


class TeamCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    community_code: str = Field(min_length=1, max_length=32)
    area_name: str = Field(default="", max_length=100)


class TeamChanges(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True)] = omittable(
        min_length=1, max_length=100
    )
    area_name: str = omittable(max_length=100)
    leader_account_id: DbId | None = Field(default=None, description="null clears it")
