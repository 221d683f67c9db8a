"""The rollups behind the figures, all derived from the reports (`tantou rebuild-figures`).

`figure_report` holds each report's figure key: what it last contributed. The two rollups sum
those keys per period (a day or a month of the figures' calendar) and per area level (every
level of the report's grid path, plus "/" for everywhere).
"""

from datetime import date, datetime

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from app.core.types import time_field

# Period kinds of the rollups' rows.
DAY = "d"
MONTH = "m"


class FigureReport(SQLModel, table=True):
    """One report's figure key: what it counts in today."""

    __tablename__ = "figure_report"
    __table_args__ = (Index("ix_figure_report_created", "created_at"),)

    report_id: int = Field(primary_key=True, foreign_key="report.id")
    created_at: datetime = time_field()
    day: date  # created_at's day in the figures' calendar (UTC+08:00)
    area_path: str = Field(max_length=200)  # "" for a report in no area
    category_code: str = Field(max_length=8)
    status: str = Field(max_length=24)
    reworked: bool
    resolved_once: bool
    closed_on_time: bool
    close_minutes: int | None = None  # lower bound of its close-time bucket, when closed


class FigureCount(SQLModel, table=True):
    """Reports received in a period and area, by category, status and closure flags."""

    __tablename__ = "figure_count"

    # Key order: an area's rows of a run of periods lie together (what a reader asks for).
    area_path: str = Field(primary_key=True, max_length=200)
    period: str = Field(primary_key=True, max_length=1)
    period_start: date = Field(primary_key=True)
    category_code: str = Field(primary_key=True, max_length=8)
    status: str = Field(primary_key=True, max_length=24)
    reworked: bool = Field(primary_key=True)
    resolved_once: bool = Field(primary_key=True)
    closed_on_time: bool = Field(primary_key=True)
    n: int


class FigureCloseTime(SQLModel, table=True):
    """Closed reports received in a period and area, by close-time bucket (minutes)."""

    __tablename__ = "figure_close_time"

    # Key order: an area's rows of a run of periods lie together (what a reader asks for).
    area_path: str = Field(primary_key=True, max_length=200)
    period: str = Field(primary_key=True, max_length=1)
    period_start: date = Field(primary_key=True)
    close_minutes: int = Field(primary_key=True)
    n: int


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for the statements that work column by column."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


# The columns the counts are grouped by, besides area and period.
COUNT_FLAGS = ("category_code", "status", "reworked", "resolved_once", "closed_on_time")


REPORT_KEYS, COUNTS, CLOSE_TIMES = (
    table_of(t) for t in (FigureReport, FigureCount, FigureCloseTime)
)
