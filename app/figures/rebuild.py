"""`tantou rebuild-figures`: every rollup recomputed from the reports, in SQL, in one
transaction (a reader sees the old rollups or the new ones, never half of them)."""

from typing import Any

from sqlalchemy import String, column, delete, func, insert, literal, select, text, values
from sqlmodel import Session

from app.figures.keys import figure_key_select, month_of_day
from app.figures.models import CLOSE_TIMES, COUNT_FLAGS, COUNTS, DAY, MONTH, REPORT_KEYS
from app.figures.rollup import area_levels

# Each rollup with the columns it is grouped by besides area and period.
ROLLUPS = ((COUNTS, COUNT_FLAGS), (CLOSE_TIMES, ("close_minutes",)))


def rebuild_figures(session: Session) -> int:
    """Recompute `figure_report` and both rollups and commit; returns how many reports they
    count."""
    counted = recount_figures(session)
    session.commit()
    return counted


def recount_figures(session: Session) -> int:
    """Recompute `figure_report` and both rollups in the caller's transaction (for rows
    written straight into `report`, as the demo's history is); returns how many reports they
    count.

    On PostgreSQL the rollup tables are locked first, so that a report changed meanwhile
    waits and then moves its own counts on top of the rebuilt ones.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        names = ", ".join(table.name for table in (REPORT_KEYS, COUNTS, CLOSE_TIMES))
        session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for table in (CLOSE_TIMES, COUNTS, REPORT_KEYS):
        session.execute(delete(table))
    session.execute(
        insert(REPORT_KEYS).from_select(
            [c.name for c in REPORT_KEYS.columns], figure_key_select(dialect)
        )
    )
    paths = [path for (path,) in session.execute(select(REPORT_KEYS.c.area_path).distinct())]
    if paths:
        _sum_days(session, paths)
        _sum_months(session, dialect)
    counted = session.execute(select(func.count()).select_from(REPORT_KEYS)).scalar_one()
    return int(counted)


def _levels(paths: list[str]) -> Any:
    """A VALUES list pairing each report area path with each area level it counts in."""
    pairs = [(path, level) for path in paths for level in area_levels(path)]
    # A CTE: SQLite takes a VALUES list there but not as an aliased table.
    listed = values(column("area_path", String), column("level", String), name="area_level")
    return listed.data(pairs).cte("area_level")


def _sum_days(session: Session, paths: list[str]) -> None:
    levels = _levels(paths)
    joined = REPORT_KEYS.join(levels, levels.c.area_path == REPORT_KEYS.c.area_path)
    for table, extra in ROLLUPS:
        grouped = [levels.c.level, REPORT_KEYS.c.day, *(REPORT_KEYS.c[name] for name in extra)]
        query = select(levels.c.level, literal(DAY), *grouped[1:], func.count()).select_from(joined)
        if table is CLOSE_TIMES:
            query = query.where(REPORT_KEYS.c.close_minutes.is_not(None))
        session.execute(
            insert(table).from_select(
                ["area_path", "period", "period_start", *extra, "n"], query.group_by(*grouped)
            )
        )


def _sum_months(session: Session, dialect: str) -> None:
    """Month rows are the sums of their day rows."""
    for table, extra in ROLLUPS:
        month = month_of_day(table.c.period_start, dialect)
        grouped = [table.c.area_path, month, *(table.c[name] for name in extra)]
        session.execute(
            insert(table).from_select(
                ["area_path", "period", "period_start", *extra, "n"],
                select(table.c.area_path, literal(MONTH), *grouped[1:], func.sum(table.c.n))
                .where(table.c.period == DAY)
                .group_by(*grouped),
            )
        )
