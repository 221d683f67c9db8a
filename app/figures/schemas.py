"""The JSON shape of an area's case figures (GET /stats)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.figures.cases import CaseFigures
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


def case_stats(
    figures: CaseFigures,
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
    )
