"""The map's answers, each a few grouped, index-served queries: never every point.

- grids in the caller's areas, with open reports and overdue cases per grid;
- the viewport: every report when few match, else clusters (GROUP BY a cell of rounded lat/lon);
- hotspots: reports received per grid in a period, from the figures' rollups.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, func, true
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES
from app.core.area_paths import under_any
from app.figures.reading import received_at_areas
from app.grids.models import Grid, GridLevel
from app.maps.schemas import Hotspot, ReportCluster, ReportMarker, Viewport
from app.maps.viewport import BoundingBox, cell_size_deg
from app.reports.access import visible_reports
from app.reports.models import Report
from app.reports.states import OPEN_REPORT_STATUSES, ReportStatus

# Up to this many reports in the box are sent one by one; more are sent as clusters.
MAX_MARKERS = 300


def grids_in(session: Session, area_paths: Sequence[str] | None) -> list[Grid]:
    """The `level: grid` grids under `area_paths` (None: everywhere), in path order."""
    query = select(Grid).where(Grid.level == GridLevel.GRID).order_by(col(Grid.path))
    if area_paths is not None:
        query = query.where(under_any(Grid.path, area_paths))
    return list(session.exec(query))


def grid_features(session: Session, scope: Scope, *, now: datetime) -> dict[str, Any]:
    """The caller's grids as GeoJSON, each with `open` (reports not yet closed) and `overdue`
    (cases with a task past its deadline) in its properties."""
    grids = grids_in(session, scope.area_paths)
    open_counts = _open_by_area(session, scope)
    overdue_counts = _overdue_by_area(session, scope, now)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": grid.code,
                "geometry": json.loads(grid.geometry),
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "parent_code": grid.parent_code,
                    "open": open_counts[grid.path],
                    "overdue": overdue_counts[grid.path],
                },
            }
            for grid in grids
        ],
    }


def _open_by_area(session: Session, scope: Scope) -> Counter[str]:
    # A report's area path is its grid's path (its community's when in no grid), so the count
    # groups on an indexed column and reads no row.
    rows = session.exec(
        select(Report.area_path, func.count())
        .where(visible_reports(scope), col(Report.status).in_(sorted(OPEN_REPORT_STATUSES)))
        .group_by(col(Report.area_path))
    )
    return Counter({path: int(n) for path, n in rows if path})


def _overdue_by_area(session: Session, scope: Scope, now: datetime) -> Counter[str]:
    rows = session.exec(
        select(Report.area_path, func.count(func.distinct(Report.id)))
        .select_from(Task)
        .join(Report, col(Report.id) == Task.report_id)
        .where(
            visible_reports(scope),
            col(Task.status).in_(sorted(ACTIVE_TASK_STATUSES)),
            col(Task.due_at) <= now,
        )
        .group_by(col(Report.area_path))
    )
    return Counter({path: int(n) for path, n in rows if path})


def viewport(
    session: Session,
    scope: Scope,
    box: BoundingBox,
    *,
    zoom: int,
    statuses: Sequence[ReportStatus],
    category: str | None,
    urgent: bool | None,
) -> Viewport:
    """The reports in the box: one by one when at most MAX_MARKERS match, else clusters."""
    in_view = and_(
        visible_reports(scope),
        col(Report.status).in_(sorted(statuses)),
        col(Report.lat).between(box.min_lat, box.max_lat),
        col(Report.lon).between(box.min_lon, box.max_lon),
        true() if category is None else col(Report.category_code) == category,
        true() if urgent is None else col(Report.urgent) == urgent,
    )
    total = int(session.exec(select(func.count()).select_from(Report).where(in_view)).one())
    if total <= MAX_MARKERS:
        return Viewport(total=total, markers=_markers(session, in_view), clusters=[], cell_deg=None)
    cell = cell_size_deg(zoom)
    return Viewport(
        total=total, markers=[], clusters=_clusters(session, in_view, cell), cell_deg=cell
    )


def _markers(session: Session, in_view: ColumnElement[bool]) -> list[ReportMarker]:
    rows = session.execute(
        sa.select(
            *(
                col(column)
                for column in (
                    Report.id,
                    Report.lat,
                    Report.lon,
                    Report.status,
                    Report.urgent,
                    Report.category_code,
                    Report.grid_code,
                )
            )
        )
        .where(in_view)
        .order_by(col(Report.id))
        .limit(MAX_MARKERS)
    )
    return [
        ReportMarker(
            id=report_id,
            lat=lat,
            lon=lon,
            status=status,
            urgent=urgent,
            category=category,
            grid_code=grid_code,
        )
        for report_id, lat, lon, status, urgent, category, grid_code in rows
    ]


def _clusters(
    session: Session, in_view: ColumnElement[bool], cell_deg: float
) -> list[ReportCluster]:
    # Offsets keep every cell index positive, so that both databases round the same way.
    row = func.round((col(Report.lat) + 90.0) / cell_deg)
    column = func.round((col(Report.lon) + 180.0) / cell_deg)
    cells: dict[tuple[float, float], list[Any]] = defaultdict(lambda: [0, 0.0, 0.0, Counter()])
    for cell_row, cell_column, status, n, lat_sum, lon_sum in session.execute(
        sa.select(
            row,
            column,
            col(Report.status),
            func.count(),
            func.sum(Report.lat),
            func.sum(Report.lon),
        )
        .where(in_view)
        .group_by(row, column, col(Report.status))
    ):
        tally = cells[(float(cell_row), float(cell_column))]
        tally[0] += int(n)
        tally[1] += float(lat_sum)
        tally[2] += float(lon_sum)
        tally[3][ReportStatus(status)] += int(n)
    return [
        ReportCluster(
            lat=round(lat_sum / n, 6), lon=round(lon_sum / n, 6), count=n, by_status=dict(by_status)
        )
        for (n, lat_sum, lon_sum, by_status) in (cells[key] for key in sorted(cells))
    ]


def hotspots(
    session: Session,
    area_paths: Sequence[str] | None,
    *,
    since: datetime | None,
    until: datetime | None,
) -> list[Hotspot]:
    """Reports received in the period per grid under `area_paths`, most first."""
    grids = grids_in(session, area_paths)
    received = received_at_areas(session, [grid.path for grid in grids], since=since, until=until)
    spots = [
        Hotspot(code=grid.code, name=grid.name, received=received[grid.path])
        for grid in grids
        if received[grid.path]
    ]
    return sorted(spots, key=lambda spot: (-spot.received, spot.code))
