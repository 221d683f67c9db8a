"""The JSON shape of an area's case figures (GET /stats)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.figures.cases import CaseFigures
from app.figures.league import GridFigures
from app.figures.series import Series
from app.reports.states import ReportStatus


class AreaSummary(BaseModel):
    code: str
    name: str
    level: str


class CategoryFigure(BaseModel):
    code: str
    name_zh: str
    name_en: str
    count: int


class Rates(BaseModel):
    """The counts behind 结案率, 按期结案率 and 返工率, and the rates (null: nothing to divide)."""

    received: int
    cases: int
    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    resolved_once: int
    closure_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None


class SeriesPoint(Rates):
    start: date = Field(description="the day, or the first day of the month")
    by_category: dict[str, int] = Field(description="category code -> reports received")


class SeriesFigures(BaseModel):
    step: Literal["day", "month"] = Field(description="day for periods up to 92 days")
    points: list[SeriesPoint] = Field(description="every day or month of the period, in order")


class GridLeagueRow(Rates):
    code: str
    name: str
    median_hours_to_close: float | None


class CaseStats(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    area: AreaSummary | None = Field(description="null: every area the caller covers")
    from_: datetime | None = Field(alias="from")
    to: datetime | None
    as_of: datetime = Field(description="deadlines count as passed up to this moment")
    received: int = Field(description="reports received in the period")
    by_status: dict[ReportStatus, int]
    by_category: list[CategoryFigure]
    cases: int = Field(description="of those, reports that became cases")
    due_to_close: int = Field(description="应结案: cases closed or past their deadline")
    closed: int = Field(description="结案")
    closed_on_time: int = Field(description="按期结案: resolved by the deadline, then closed")
    closure_rate: float | None = Field(description="结案率: closed / due_to_close")
    on_time_closure_rate: float | None = Field(
        description="按期结案率: closed_on_time / due_to_close"
    )
    reworked: int = Field(description="cases sent back for rework at least once")
    rework_rate: float | None = Field(
        description="返工率: reworked / cases whose work was resolved at least once"
    )
    median_hours_to_close: float | None = Field(description="from receipt to closing")
    overdue_now: int = Field(
        description="the area's tasks overdue now, whenever their case was received"
    )
    series: SeriesFigures = Field(description="the same figures day by day or month by month")


class GridLeague(BaseModel):
    items: list[GridLeagueRow] = Field(
        description="the area's grids that received reports, best 按期结案率 first"
    )


def grid_league_public(league: list[GridFigures]) -> GridLeague:
    """The league table as the API shows it."""
    return GridLeague(
        items=[
            GridLeagueRow(
                **_rates(row),
                code=row.code,
                name=row.name,
                median_hours_to_close=row.median_hours_to_close,
            )
            for row in league
        ]
    )


def case_stats(
    figures: CaseFigures,
    series: Series,
    area: AreaSummary | None,
    *,
    since: datetime | None,
    until: datetime | None,
) -> CaseStats:
    """The figures as the API shows them."""
    return CaseStats(
        area=area,
        from_=since,
        to=until,
        as_of=figures.as_of,
        received=figures.received,
        by_status=figures.by_status,
        by_category=[CategoryFigure(**vars(item)) for item in figures.by_category],
        cases=figures.cases,
        due_to_close=figures.due_to_close,
        closed=figures.closed,
        closed_on_time=figures.closed_on_time,
        closure_rate=figures.closure_rate,
        on_time_closure_rate=figures.on_time_closure_rate,
        reworked=figures.reworked,
        rework_rate=figures.rework_rate,
        median_hours_to_close=figures.median_hours_to_close,
        overdue_now=figures.overdue_now,
        series=SeriesFigures(
            step=series.step,
            points=[
                SeriesPoint(**_rates(point), start=point.start, by_category=point.by_category)
                for point in series.points
            ],
        ),
    )


def _rates(counted: object) -> dict[str, object]:
    """The fields of `Rates` read off a point or a league row."""
    return {name: getattr(counted, name) for name in Rates.model_fields}
