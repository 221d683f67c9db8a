"""Report categories: the digital urban-management event taxonomy and local additions."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.inputs import omittable
from app.core.types import enum_field
from app.units.models import UnitType


class CategoryKind(StrEnum):
    EVENT = "event"
    COMPONENT = "component"


class CategoryBase(SQLModel):
    code: str = Field(primary_key=True, max_length=8, schema_extra={"pattern": r"^\d{4,6}$"})
    name_zh: str = Field(max_length=64, min_length=1)
    name_en: str = Field(max_length=100, min_length=1)
    group: str = Field(max_length=4, schema_extra={"pattern": r"^\d{2}$"})
    group_name_zh: str = Field(max_length=64)
    group_name_en: str = Field(max_length=100)
    kind: CategoryKind = enum_field(CategoryKind, default=CategoryKind.EVENT)
    time_limit_hours: float = Field(gt=0, le=24 * 365)
    wall_clock: bool = False
    urgent: bool = False
    common: bool = False
    default_unit_type: UnitType = enum_field(UnitType)
    points: int = Field(default=5, ge=0, le=1000)
    active: bool = True


class Category(CategoryBase, table=True):
    pass


class CategoryPublic(CategoryBase):
    pass


class CategoryUpdate(SQLModel):
    name_zh: str = omittable(max_length=64, min_length=1)
    name_en: str = omittable(max_length=100, min_length=1)
    time_limit_hours: float = omittable(gt=0, le=24 * 365)
    wall_clock: bool = omittable()
    urgent: bool = omittable()
    common: bool = omittable()
    default_unit_type: UnitType = omittable()
    points: int = omittable(ge=0, le=1000)
    active: bool = omittable()
