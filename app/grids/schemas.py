"""What the grid endpoints take and give: point look-ups, communities, imports."""

from pydantic import BaseModel

from app.grids.models import GridLevel


class AreaRef(BaseModel):
    code: str
    name: str


class GridRef(AreaRef):
    level: GridLevel
    parent_code: str | None


class LocateResponse(BaseModel):
    grid: GridRef | None
    community: AreaRef | None
    lat: float
    lon: float


class Community(BaseModel):
    code: str
    name: str
    street_code: str | None
    street_name: str | None


class CommunityList(BaseModel):
    items: list[Community]


class ImportResponse(BaseModel):
    created: int
    updated: int
