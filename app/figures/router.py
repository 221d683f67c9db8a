"""Figures of an area's cases for coordinators and admins (shown with the cases in the docs)."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts.deps import AreaManagerAccount, CurrentScope
from app.accounts.scope import owned_area
from app.core import clock
from app.core.deps import ReadSession
from app.core.periods import PeriodQuery
from app.figures.cases import case_figures
from app.figures.league import grid_league
from app.figures.schemas import AreaSummary, CaseStats, case_stats
from app.figures.series import figure_series

router = APIRouter(tags=["cases"])


@router.get("/stats", response_model=CaseStats)
def get_stats(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    period: PeriodQuery,
    area: Annotated[
        str | None, Query(max_length=32, description="a grid, community or street code")
    ] = None,
) -> CaseStats:
    """Figures of an area's cases (default: all the caller's areas): counts by status and
    category, 结案率, 按期结案率, 返工率, median time to close and tasks overdue now; the
    same day by day (or month by month) and grid by grid."""
    summary: AreaSummary | None = None
    area_paths = scope.area_paths
    if area is not None:
        grid = owned_area(session, scope, area)
        summary = AreaSummary(code=grid.code, name=grid.name, level=grid.level.value)
        area_paths = (grid.path,)
    since, until = period.since, period.until
    now = clock.utcnow()
    return case_stats(
        case_figures(session, area_paths, since=since, until=until, now=now),
        figure_series(session, area_paths, since=since, until=until, now=now),
        grid_league(session, area_paths, since=since, until=until, now=now),
        summary,
        since=since,
        until=until,
    )
