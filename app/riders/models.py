"""Riders (新就业群体) and their volunteer teams (志愿者队伍)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class Platform(StrEnum):
    MEITUAN = "meituan"
    ELEME = "eleme"
    SF = "sf"
    JD = "jd"
    SHANSONG = "shansong"
    OTHER = "other"


class RiderRole(StrEnum):
    """The four roles (四员) a rider may take on."""

    SAFETY_PATROL = "safety_patrol"  # 平安巡查员
    CIVILITY_GUIDE = "civility_guide"  # 文明引领员
    OPINION_INFORMANT = "opinion_informant"  # 社情民意信息员
    POLICY_PROMOTER = "policy_promoter"  # 政策宣讲员


RIDER_ROLE_NAMES_ZH: dict[RiderRole, str] = {
    RiderRole.SAFETY_PATROL: "平安巡查员",
    RiderRole.CIVILITY_GUIDE: "文明引领员",
    RiderRole.OPINION_INFORMANT: "社情民意信息员",
    RiderRole.POLICY_PROMOTER: "政策宣讲员",
}


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    community_code: str = Field(foreign_key="grid.code", max_length=32, index=True)
    area_name: str = Field(default="", max_length=100)
    leader_account_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)


class RiderProfile(SQLModel, table=True):
    """The 报到备案 record of a rider account; the phone number is also its username."""

    __tablename__ = "rider_profile"
    # A community's riders, oldest registration first.
    __table_args__ = (Index("ix_rider_profile_community_account", "community_code", "account_id"),)

    account_id: int = Field(primary_key=True, foreign_key="account.id")
    name: str = Field(max_length=50)
    phone: str = Field(max_length=11, unique=True)
    platform: Platform = enum_field(Platform)
    party_member: bool = False
    community_code: str = Field(foreign_key="grid.code", max_length=32)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    # RiderRole values; a list is replaced whole, never mutated in place.
    roles: list[str] = Field(default_factory=list, sa_type=JSON)
    rejection_reason: str | None = Field(default=None, max_length=500)
    # The privacy notice (app/riders/privacy_notice.py) the rider agreed to, and when; null for
    # riders registered before consent was recorded.
    privacy_consent_version: str | None = Field(default=None, max_length=32)
    privacy_consented_at: datetime | None = time_field(default=None, nullable=True)
    registered_at: datetime = time_field(default_factory=utcnow)
    reviewed_at: datetime | None = time_field(default=None, nullable=True)
    reviewed_by_id: int | None = Field(default=None, foreign_key="account.id")


class RegistrationAttempt(SQLModel, table=True):
    """One use of the registration form; recent ones limit an address (no number is kept)."""

    __tablename__ = "registration_attempt"

    id: int | None = Field(default=None, primary_key=True)
    client_address: str = Field(max_length=64, index=True)
    created_at: datetime = time_field(default_factory=utcnow, index=True)
