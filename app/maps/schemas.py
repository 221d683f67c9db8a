"""What the map endpoints give: the tile setting, the viewport's reports, the hotspots."""

from typing import Literal

from pydantic import BaseModel, Field

from app.reports.states import ReportStatus


class MapConfig(BaseModel):
    tile_url: str | None = Field(description="a tile URL template; null: a plain background")
    crs: Literal["wgs84", "gcj02"] = Field(
        description="the tiles' datum: with gcj02 clients shift points for display"
    )
    attribution: str
    subdomains: str = Field(description="values of {s} in tile_url")


class ReportMarker(BaseModel):
    id: int
    lat: float
    lon: float
    status: ReportStatus
    urgent: bool
    category: str
    grid_code: str | None


class ReportCluster(BaseModel):
    lat: float = Field(description="the mean point of the reports in the cell")
    lon: float
    count: int
    by_status: dict[ReportStatus, int]


class Viewport(BaseModel):
    total: int = Field(description="reports in the box matching the filters")
    markers: list[ReportMarker] = Field(description="each report, when total is small; else []")
    clusters: list[ReportCluster] = Field(description="cells of reports, when total is large")
    cell_deg: float | None = Field(description="the clusters' cell side in degrees")


class Hotspot(BaseModel):
    code: str
    name: str
    received: int


class HotspotList(BaseModel):
    items: list[Hotspot] = Field(description="grids with reports in the period, most first")
