"""Handling units (处置单位): who fixes a problem."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class UnitType(StrEnum):
    PROPERTY = "property"
    OWNERS_COMMITTEE = "owners_committee"
    PARTY_BRANCH = "party_branch"
    LAW_ENFORCEMENT = "law_enforcement"
    STREET_OFFICE = "street_office"
    DEPARTMENT = "department"


class UnitBase(SQLModel):
    code: str = Field(max_length=32, unique=True, min_length=1, regex=r"^[A-Za-z0-9_-]+$")
    name: str = Field(max_length=100, min_length=1)
    type: UnitType = enum_field(UnitType)
    community_code: str = Field(foreign_key="grid.code", max_length=32, index=True)


class Unit(UnitBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = time_field(default_factory=utcnow)


class UnitCreate(UnitBase):
    pass


class UnitPublic(UnitBase):
    id: int
