"""Grids: the map, point look-ups, imports, and the public list of communities."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from sqlmodel import select

from app.accounts.deps import AdminAccount, ReportReader
from app.core.deps import ReadSession, RuntimeDep, WriteSession
from app.core.errors import Unprocessable
from app.core.messages import MessageError
from app.grids import service
from app.grids.crs import CoordinateSystem, check_wgs84_range, to_wgs84
from app.grids.locator import locate_point, locator_of
from app.grids.models import Grid, GridLevel
from app.grids.schemas import (
    AreaRef,
    Community,
    CommunityList,
    GridRef,
    ImportResponse,
    LocateResponse,
)

router = APIRouter(tags=["grids"])


def to_wgs84_checked(lat: float, lon: float, crs: CoordinateSystem) -> tuple[float, float]:
    """(lon, lat) in WGS-84 from a point in `crs`; 422 when out of range."""
    try:
        check_wgs84_range(lon, lat)
    except MessageError as exc:
        raise Unprocessable.for_field("lat/lon", exc.message) from None
    return to_wgs84(lon, lat, crs)


@router.get("/grids")
def list_grids(
    session: ReadSession, _account: ReportReader, level: GridLevel | None = None
) -> dict[str, Any]:
    """All grids and areas as GeoJSON (RFC 7946)."""
    return service.feature_collection(session, level=level)


@router.get("/grids/locate", response_model=LocateResponse)
def locate(
    session: ReadSession,
    runtime: RuntimeDep,
    _account: ReportReader,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> LocateResponse:
    """The `level: grid` polygon that contains the point (null if none)."""
    lon84, lat84 = to_wgs84_checked(lat, lon, crs)
    snapshot = locator_of(runtime).snapshot(session)
    where = locate_point(snapshot, lon84, lat84, runtime.settings.unassigned_max_distance_m)
    grid = None
    if where.grid_code:
        grid = GridRef(
            code=where.grid_code,
            name=snapshot.names[where.grid_code],
            level=GridLevel.GRID,
            parent_code=snapshot.parents[where.grid_code],
        )
    community = (
        AreaRef(code=where.community_code, name=snapshot.names[where.community_code])
        if where.community_code
        else None
    )
    return LocateResponse(grid=grid, community=community, lat=lat84, lon=lon84)


@router.post("/grids/import", response_model=ImportResponse)
def import_grids(
    session: WriteSession,
    runtime: RuntimeDep,
    _admin: AdminAccount,
    collection: Annotated[dict[str, Any], Body()],
) -> ImportResponse:
    """Create or update grids from a GeoJSON FeatureCollection; all or nothing."""
    result = service.import_feature_collection(session, collection)
    session.commit()
    locator_of(runtime).invalidate()
    return ImportResponse(created=result.created, updated=result.updated)


@router.get("/communities", response_model=CommunityList)
def list_communities(session: ReadSession) -> CommunityList:
    """Every community with its street, for the registration form."""
    streets = {
        code: name
        for code, name in session.exec(
            select(Grid.code, Grid.name).where(Grid.level == GridLevel.STREET)
        )
    }
    communities = session.exec(
        select(Grid.code, Grid.name, Grid.parent_code)
        .where(Grid.level == GridLevel.COMMUNITY)
        .order_by(Grid.path)
    )
    return CommunityList(
        items=[
            Community(
                code=code,
                name=name,
                street_code=parent,
                street_name=streets.get(parent) if parent else None,
            )
            for code, name, parent in communities
        ]
    )
