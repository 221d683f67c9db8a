"""The figures over time: per day (a period of up to 92 days) or per month (anything longer,
or unbounded), each point counted as /stats counts its period, so the points add up to it."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import true
from sqlmodel import Session

from app.core.area_paths import under_any
from app.figures.cases import CaseRates, open_past_deadline, received_window, tally
from app.figures.keys import figures_day
from app.figures.periods import day_of, plan_days, plan_period
from app.figures.reading import RolledUp, read_split
from app.reports.models import Report

DAILY_UP_TO = timedelta(days=92)
Step = Literal["day", "month"]


@dataclass(frozen=True)
class SeriesPoint(CaseRates):
    start: date  # the day, or the first day of the month
    received: int
    by_category: dict[str, int]
    cases: int
    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    resolved_once: int


@dataclass(frozen=True)
class Series:
    step: Step
    points: list[SeriesPoint]


def figure_series(
    session: Session,
    area_paths: Sequence[str] | None,
    *,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
) -> Series:
    """The reports under `area_paths` received in [since, until), point by point."""
    step: Step
    if since is not None and until is not None and until - since <= DAILY_UP_TO:
        step, plan = "day", plan_days(since, until)
    else:
        step, plan = "month", plan_period(since, until)
    merged: dict[date, RolledUp] = {}
    for start, rolled in read_split(session, area_paths, plan, by="period").items():
        point = merged.setdefault(_start_of(_as_date(start), step), RolledUp())
        point.counts.update(rolled.counts)
    in_area = true() if area_paths is None else under_any(Report.area_path, area_paths)
    as_of = min(until, now) if until is not None else now
    dialect = session.get_bind().dialect.name
    passed: Counter[date] = Counter()
    for day, n in open_past_deadline(
        session,
        received_window(in_area, since, until),
        as_of,
        by=figures_day(Report.created_at, dialect),
    ).items():
        passed[_start_of(_as_date(day), step)] += n
    starts = _starts(step, since, until or now, {*merged, *passed})
    return Series(
        step, [_point(start, merged.get(start, RolledUp()), passed[start]) for start in starts]
    )


def _point(start: date, rolled: RolledUp, passed_deadline: int) -> SeriesPoint:
    counted = tally(rolled)
    return SeriesPoint(
        start=start,
        received=counted.received,
        by_category=dict(+counted.by_category),
        cases=counted.cases,
        due_to_close=counted.closed + passed_deadline,
        closed=counted.closed,
        closed_on_time=counted.closed_on_time,
        reworked=counted.reworked,
        resolved_once=counted.resolved_once,
    )


def _starts(step: Step, since: datetime | None, end: datetime, present: set[date]) -> list[date]:
    """Every point from the period's start (or its first report) to its end (or now), those
    without reports too: a chart shows the quiet days."""
    first = day_of(since) if since is not None else min(present, default=None)
    if first is None:
        return sorted(present)
    last = day_of(end - timedelta(microseconds=1))
    starts, current = set(present), _start_of(first, step)
    while current <= last:
        starts.add(current)
        current = current + timedelta(days=1) if step == "day" else _next_month(current)
    return sorted(starts)


def _start_of(day: date, step: Step) -> date:
    return day if step == "day" else day.replace(day=1)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _as_date(value: date | str) -> date:
    """SQLite hands back a computed day as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)
