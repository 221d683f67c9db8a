"""The map (一张图): the tile setting, the caller's grids with their counts, the viewport's
reports or clusters, and the period's hotspots."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response

from app.accounts.deps import AreaManagerAccount, CurrentAccount, CurrentScope, ReportReader
from app.accounts.scope import owned_area
from app.core import clock
from app.core.deps import ReadSession, RuntimeDep, SettingsDep
from app.core.errors import Unprocessable
from app.core.messages import MessageError
from app.core.periods import PeriodQuery
from app.maps import service
from app.maps.outlines import current_outlines
from app.maps.schemas import HotspotList, MapConfig, Viewport
from app.maps.viewport import MAX_ZOOM, MIN_ZOOM, parse_bbox
from app.reports.states import OPEN_REPORT_STATUSES, ReportStatus

router = APIRouter(prefix="/map", tags=["map"])


@router.get("/config", response_model=MapConfig)
def map_config(settings: SettingsDep, _account: CurrentAccount) -> MapConfig:
    """The tile layer both apps draw under grids and points (none: a plain background)."""
    return MapConfig(
        tile_url=settings.map_tile_url or None,
        crs=settings.map_tile_crs,
        attribution=settings.map_tile_attribution,
        subdomains=settings.map_tile_subdomains,
    )


@router.get("/grids")
def map_grids(
    session: ReadSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> dict[str, Any]:
    """The caller's grids as GeoJSON, with `open` reports and `overdue` cases per grid."""
    return service.grid_features(session, scope, now=clock.utcnow())


@router.get(
    "/outlines",
    response_class=Response,
    responses={
        200: {
            "content": {"application/json": {}},
            "description": "GeoJSON of every grid and community (simplified), with max_distance_m",
        },
        304: {"description": "the phone's copy (If-None-Match) is current"},
    },
)
def map_outlines(
    session: ReadSession,
    runtime: RuntimeDep,
    _account: ReportReader,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Every grid and community as simplified outlines (properties `code`, `name`, `level`,
    `parent_code`) and the service area's `max_distance_m`: what the rider app keeps on the
    phone to name a point's grid and refuse a point outside the service area while offline."""
    outlines = current_outlines(runtime, session)
    # Revalidated on every use: the phone's HTTP cache answers from its copy after a 304.
    headers = {"ETag": outlines.etag, "Cache-Control": "private, no-cache"}
    sent_tags = {tag.strip() for tag in (if_none_match or "").split(",")}
    if outlines.etag in sent_tags:
        return Response(status_code=304, headers=headers)
    return Response(outlines.body, media_type="application/json", headers=headers)


@router.get("/reports", response_model=Viewport)
def map_reports(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    bbox: Annotated[str, Query(max_length=100, description="minLon,minLat,maxLon,maxLat (WGS-84)")],
    zoom: Annotated[int, Query(ge=MIN_ZOOM, le=MAX_ZOOM, description="the map's zoom level")],
    status: Annotated[
        ReportStatus | Literal["open"], Query(description="one status, or open (not yet closed)")
    ] = "open",
    category: Annotated[str | None, Query(max_length=8)] = None,
    urgent: bool | None = None,
) -> Viewport:
    """The reports in the box that the caller may see: each one when few, else clusters of a
    cell that shrinks as the map zooms in (never every point)."""
    try:
        box = parse_bbox(bbox)
    except MessageError as exc:
        raise Unprocessable.for_field("bbox", exc.message) from None
    statuses = sorted(OPEN_REPORT_STATUSES) if status == "open" else [ReportStatus(status)]
    return service.viewport(
        session, scope, box, zoom=zoom, statuses=statuses, category=category, urgent=urgent
    )


@router.get("/hotspots", response_model=HotspotList)
def map_hotspots(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    period: PeriodQuery,
    area: Annotated[
        str | None, Query(max_length=32, description="a grid, community or street code")
    ] = None,
) -> HotspotList:
    """Reports received in the period per grid of the area (default: all the caller's areas),
    most first: the figures page's heat map, counted as GET /stats counts."""
    area_paths = scope.area_paths
    if area is not None:
        area_paths = (owned_area(session, scope, area).path,)
    hotspots = service.hotspots(session, area_paths, since=period.since, until=period.until)
    return HotspotList(items=hotspots)
