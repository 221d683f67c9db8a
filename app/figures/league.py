"""A league table of the grids of an area (网格排名): each grid's own reports, counted as
/stats counts an area, with 按期结案率, rework and the median time to close."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import true
from sqlmodel import Session, col, select

from app.core.area_paths import under_any
from app.figures.cases import (
    CaseRates,
    median_hours,
    open_past_deadline,
    received_window,
    tally,
)
from app.figures.periods import plan_period
from app.figures.reading import read_split
from app.grids.models import Grid, GridLevel
from app.reports.models import Report


@dataclass(frozen=True)
class GridFigures(CaseRates):
    code: str
    name: str
    received: int
    cases: int
    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    resolved_once: int
    median_hours_to_close: float | None


def grid_league(
    session: Session,
    area_paths: Sequence[str] | None,
    *,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
) -> list[GridFigures]:
    """The grids under `area_paths` (None: all) that received reports in [since, until), best
    按期结案率 first, then most received."""
    in_area = true() if area_paths is None else under_any(Grid.path, area_paths)
    grids = {
        path: (code, name)
        for code, name, path in session.exec(
            select(Grid.code, Grid.name, Grid.path).where(
                col(Grid.level) == GridLevel.GRID, in_area
            )
        )
    }
    split = read_split(session, list(grids), plan_period(since, until), by="area")
    reports_in_area = true() if area_paths is None else under_any(Report.area_path, area_paths)
    as_of = min(until, now) if until is not None else now
    passed = open_past_deadline(
        session, received_window(reports_in_area, since, until), as_of, by=col(Report.area_path)
    )
    league = []
    for path, rolled in split.items():
        counted = tally(rolled)
        if not counted.received:
            continue
        code, name = grids[path]
        league.append(
            GridFigures(
                code=code,
                name=name,
                received=counted.received,
                cases=counted.cases,
                due_to_close=counted.closed + passed[path],
                closed=counted.closed,
                closed_on_time=counted.closed_on_time,
                reworked=counted.reworked,
                resolved_once=counted.resolved_once,
                median_hours_to_close=median_hours(rolled.close_minutes),
            )
        )
    return sorted(league, key=_rank)


def _rank(grid: GridFigures) -> tuple[float, int, str]:
    rate = grid.on_time_closure_rate
    return (-(rate if rate is not None else -1.0), -grid.received, grid.code)
