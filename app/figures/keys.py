"""Each report's figure key, computed in SQL: the one definition the live rollup and the
rebuild share, so that they cannot disagree."""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    text,
    true,
    type_coerce,
)
from sqlalchemy import select as sa_select
from sqlmodel import col

from app.cases.models import Task
from app.cases.states import TaskStatus
from app.figures.buckets import close_bucket_sql
from app.reports.models import Report
from app.reports.states import ReportStatus

SECONDS_PER_MINUTE = 60


def _epoch_seconds(column: Any, dialect: str) -> Any:
    """Whole seconds since 1970 (truncated) of a UTC time column."""
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': cut the fraction rather than let SQLite round it.
        return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
    return cast(func.extract("epoch", func.date_trunc("second", column)), BigInteger)


def figures_day(column: Any, dialect: str) -> Any:
    """The UTC+08:00 calendar day of a UTC time column (see periods.FIGURES_TZ)."""
    if dialect == "sqlite":
        return type_coerce(func.date(column, "+8 hours"), Date)
    return cast(func.timezone("UTC", column) + text("interval '8 hours'"), Date)


def month_of_day(column: Any, dialect: str) -> Any:
    """SQL: the first day of a date column's month."""
    if dialect == "sqlite":
        return type_coerce(func.strftime("%Y-%m-01", column), Date)
    return cast(func.date_trunc("month", column), Date)


def figure_key_select(dialect: str) -> Select[Any]:
    """The columns of `figure_report`, in its order, for every report (add a WHERE for some)."""
    deadline = (
        sa_select(func.max(Task.due_at))
        .where(col(Task.report_id) == col(Report.id), col(Task.status) != TaskStatus.RETURNED)
        .scalar_subquery()
    )
    closed = col(Report.status) == ReportStatus.CLOSED
    minutes = (
        _epoch_seconds(Report.closed_at, dialect) - _epoch_seconds(Report.created_at, dialect)
    ) // literal(SECONDS_PER_MINUTE)
    return sa_select(
        col(Report.id),
        col(Report.created_at),
        figures_day(Report.created_at, dialect),
        func.coalesce(col(Report.area_path), ""),
        col(Report.category_code),
        col(Report.status),
        col(Report.rework_count) > 0,
        col(Report.resolved_at).is_not(None),
        case((and_(closed, col(Report.resolved_at) <= deadline), true()), else_=false()),
        case((and_(closed, col(Report.closed_at).is_not(None)), close_bucket_sql(minutes))),
    )
