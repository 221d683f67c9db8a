"""Figures of an area's cases for coordinators and admins (shown with the cases in the docs)."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session

from app.accounts.deps import AreaManagerAccount, CurrentScope
from app.accounts.scope import Scope, owned_area
from app.cases.schemas import TaskPublic, task_public
from app.core import clock
from app.core.deps import ReadSession
from app.core.periods import PeriodQuery
from app.figures.cases import case_figures
from app.figures.league import grid_league
from app.figures.overdue import overdue_tasks
from app.figures.schemas import (
    AreaSummary,
    CaseStats,
    GridLeague,
    case_stats,
    grid_league_public,
)
from app.figures.series import figure_series

router = APIRouter(tags=["cases"])

AreaQuery = Annotated[
    str | None, Query(max_length=32, description="a grid, community or street code")
]
OVERDUE_LIST_MAX = 100


class OverdueList(BaseModel):
    items: list[TaskPublic]


@router.get("/stats", response_model=CaseStats)
def get_stats(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    period: PeriodQuery,
    area: AreaQuery = None,
) -> CaseStats:
    """Figures of an area's cases (default: all the caller's areas): counts by status and
    category, 结案率, 按期结案率, 返工率, median time to close and tasks overdue now; the
    same day by day (or month by month)."""
    summary, area_paths = _area(session, scope, area)
    since, until = period.since, period.until
    now = clock.utcnow()
    return case_stats(
        case_figures(session, area_paths, since=since, until=until, now=now),
        figure_series(session, area_paths, since=since, until=until, now=now),
        summary,
        since=since,
        until=until,
    )


@router.get("/stats/league", response_model=GridLeague)
def get_league(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    period: PeriodQuery,
    area: AreaQuery = None,
) -> GridLeague:
    """The grids of an area (default: all the caller's areas) ranked over the period, as /stats
    counts an area: 按期结案率 first, then most received. Apart from /stats because it reads
    every grid's rollups (see the README's known limits)."""
    _summary, area_paths = _area(session, scope, area)
    league = grid_league(
        session, area_paths, since=period.since, until=period.until, now=clock.utcnow()
    )
    return grid_league_public(league)


@router.get("/stats/overdue", response_model=OverdueList)
def get_overdue(
    session: ReadSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    area: AreaQuery = None,
    limit: Annotated[int, Query(ge=1, le=OVERDUE_LIST_MAX)] = 20,
) -> OverdueList:
    """The area's tasks overdue now (those /stats counts in `overdue_now`), the longest
    overdue first."""
    _summary, area_paths = _area(session, scope, area)
    now = clock.utcnow()
    rows = overdue_tasks(session, area_paths, now=now, limit=limit)
    return OverdueList(
        items=[task_public(task, unit, report, now=now) for task, unit, report in rows]
    )


def _area(
    session: Session, scope: Scope, area: str | None
) -> tuple[AreaSummary | None, Sequence[str] | None]:
    """The area asked for (404 or 403 unless the caller owns it), or all the caller's areas."""
    if area is None:
        return None, scope.area_paths
    grid = owned_area(session, scope, area)
    return AreaSummary(code=grid.code, name=grid.name, level=grid.level.value), (grid.path,)
