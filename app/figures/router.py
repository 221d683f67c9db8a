"""Figures of an area's cases for coordinators and admins (shown with the cases in the docs)."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts.deps import AreaManagerAccount, CurrentScope
from app.core import clock
from app.core.deps import ReadSession, RuntimeDep
from app.core.errors import Forbidden, Unprocessable
from app.core.inputs import BoundedDatetime
from app.figures.cases import case_figures
from app.figures.schemas import AreaSummary, CaseStats, case_stats
from app.grids.service import grid_by_code

router = APIRouter(tags=["cases"])


@router.get("/stats", response_model=CaseStats)
def get_stats(
    session: ReadSession,
    runtime: RuntimeDep,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    area: Annotated[
        str | None, Query(max_length=32, description="a grid, community or street code")
    ] = None,
    since: Annotated[
        BoundedDatetime | None,
        Query(
            alias="from",
            description="received from (inclusive); a date or a time without offset is in the "
            "work calendar's time zone",
        ),
    ] = None,
    until: Annotated[
        BoundedDatetime | None, Query(alias="to", description="received before (exclusive)")
    ] = None,
) -> CaseStats:
    """Figures of an area's cases (default: all the caller's areas): counts by status and
    category, 结案率, 按期结案率, 返工率, median time to close and tasks overdue now."""
    summary: AreaSummary | None = None
    area_paths = scope.area_paths
    if area is not None:
        grid = grid_by_code(session, area)
        if grid is None:
            raise Unprocessable.for_field("area", f"no grid or area {area!r}")
        if not scope.covers(grid.path):
            raise Forbidden("This area is outside yours.")
        summary = AreaSummary(code=grid.code, name=grid.name, level=grid.level.value)
        area_paths = (grid.path,)
    zone = runtime.work_calendar().tz
    since = since if since is None or since.tzinfo else since.replace(tzinfo=zone)
    until = until if until is None or until.tzinfo else until.replace(tzinfo=zone)
    figures = case_figures(session, area_paths, since=since, until=until, now=clock.utcnow())
    return case_stats(figures, summary, since=since, until=until)
