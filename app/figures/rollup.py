"""Keeping the rollups current: a report's old key leaves them and its new key joins them, in
the transaction that changed the report.

Counters move by `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` (PostgreSQL and
SQLite alike): concurrent changes add up in the database, never read-modify-write here. A
change of one report is serialised by the report's own row (its status UPDATE locks it), so
reading its previous key here is safe.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from app.core.area_paths import ancestor_paths
from app.figures.keys import figure_key_select
from app.figures.models import (
    COUNT_FLAGS,
    DAY,
    MONTH,
    FigureCloseTime,
    FigureCount,
    FigureReport,
    table_of,
)
from app.reports.models import Report

EVERYWHERE = "/"  # the area level every report counts in, also one in no grid


class FigureKey(NamedTuple):
    """What a report counts as: the columns of `figure_report` after `report_id`."""

    created_at: Any
    day: date
    area_path: str
    category_code: str
    status: str
    reworked: bool
    resolved_once: bool
    closed_on_time: bool
    close_minutes: int | None


KEY_COLUMNS = [col(getattr(FigureReport, name)) for name in FigureKey._fields]
COUNT_KEY = ("period", "period_start", "area_path", *COUNT_FLAGS)
CLOSE_KEY = ("period", "period_start", "area_path", "close_minutes")


def area_levels(area_path: str) -> list[str]:
    """'/c/s/m/g/' -> '/', '/c/', '/c/s/', '/c/s/m/', '/c/s/m/g/': every area it counts in."""
    if not area_path:
        return [EVERYWHERE]
    return [EVERYWHERE, *ancestor_paths(area_path), area_path]


def count_report(session: Session, report_id: int) -> None:
    """Bring the report's contribution to the rollups up to date (flushes, never commits)."""
    session.flush()
    dialect = session.get_bind().dialect.name
    previous = session.execute(
        select(*KEY_COLUMNS).where(col(FigureReport.report_id) == report_id)
    ).one_or_none()
    current = session.execute(
        figure_key_select(dialect).where(col(Report.id) == report_id)
    ).one_or_none()
    old = None if previous is None else FigureKey(*previous)
    new = None if current is None else FigureKey(*current[1:])
    if old == new:
        return
    if new is None:
        session.execute(delete(FigureReport).where(col(FigureReport.report_id) == report_id))
    else:
        row = {"report_id": report_id, **new._asdict()}
        _upsert(session, FigureReport, [row], ("report_id",), replace=tuple(FigureKey._fields))
    counts: Counter[tuple[Any, ...]] = Counter()
    close_times: Counter[tuple[Any, ...]] = Counter()
    for key, step in ((old, -1), (new, 1)):
        if key is not None:
            _tally(key, step, counts, close_times)
    _add(session, FigureCount, COUNT_KEY, counts)
    _add(session, FigureCloseTime, CLOSE_KEY, close_times)


def _tally(
    key: FigureKey,
    step: int,
    counts: Counter[tuple[Any, ...]],
    close_times: Counter[tuple[Any, ...]],
) -> None:
    for period, start in ((DAY, key.day), (MONTH, key.day.replace(day=1))):
        for level in area_levels(key.area_path):
            flags = (key.reworked, key.resolved_once, key.closed_on_time)
            counts[(period, start, level, key.category_code, key.status, *flags)] += step
            if key.close_minutes is not None:
                close_times[(period, start, level, key.close_minutes)] += step


def _add(
    session: Session,
    table: type[SQLModel],
    key_names: tuple[str, ...],
    steps: Mapping[tuple[Any, ...], int],
) -> None:
    rows = [{**dict(zip(key_names, key, strict=True)), "n": n} for key, n in steps.items() if n]
    if rows:
        _upsert(session, table, rows, key_names, accumulate="n")


def _upsert(
    session: Session,
    table: type[SQLModel],
    rows: Iterable[dict[str, Any]],
    key_names: tuple[str, ...],
    *,
    accumulate: str | None = None,
    replace: tuple[str, ...] = (),
) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE: add `accumulate`, overwrite `replace`."""
    dialect = session.get_bind().dialect.name
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    core = table_of(table)
    statement = insert(core).values(list(rows))
    changes: dict[str, Any] = {name: statement.excluded[name] for name in replace}
    if accumulate is not None:
        changes[accumulate] = core.c[accumulate] + statement.excluded[accumulate]
    session.execute(statement.on_conflict_do_update(index_elements=key_names, set_=changes))
