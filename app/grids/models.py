"""Grids (网格) and the areas above them: county, street/town, community."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class GridLevel(StrEnum):
    COUNTY = "county"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


LEVEL_DEPTH = {GridLevel.COUNTY: 0, GridLevel.STREET: 1, GridLevel.COMMUNITY: 2, GridLevel.GRID: 3}


class Grid(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=100)
    level: GridLevel = enum_field(GridLevel, index=True)
    parent_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    # "/county/street/community/grid/": ancestors by code, so that "everything below X"
    # is one indexed prefix match.
    path: str = Field(max_length=200, index=True)
    geometry: str = Field(sa_type=Text)
    updated_at: datetime = time_field(default_factory=utcnow)
