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


UNIT_CODE = r"^[A-Za-z0-9_-]+$"
# A mobile or a landline with its area code and extension: digits, spaces, +, - and brackets.
CONTACT_PHONE = r"^[0-9+() -]{5,20}$"


class UnitContact(SQLModel):
    """Who at the unit a coordinator calls about a task."""

    contact_name: str | None = Field(default=None, max_length=50, min_length=1)
    contact_phone: str | None = Field(
        default=None, max_length=20, schema_extra={"pattern": CONTACT_PHONE}
    )


class UnitBase(UnitContact):
    code: str = Field(max_length=32, unique=True, min_length=1, schema_extra={"pattern": UNIT_CODE})
    name: str = Field(max_length=100, min_length=1)
    type: UnitType = enum_field(UnitType)
    community_code: str = Field(foreign_key="grid.code", max_length=32, index=True)


class Unit(UnitBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = time_field(default_factory=utcnow)


class UnitCreate(UnitBase):
    pass


class UnitUpdate(UnitContact):
    """What may change on a unit; its code and community stay (its tasks and accounts follow
    them). A field left out stays as it is; a contact sent as null is cleared."""

    name: str | None = Field(default=None, max_length=100, min_length=1)
    type: UnitType | None = None


class UnitPublic(UnitBase):
    id: int
