"""How a period of the figures splits into month rows, day rows and single reports at its edges.

The rollups' days and months are those of UTC+08:00 (China Standard Time, no daylight saving),
the time zone the console's plain dates are read in by default. A period that starts or ends
inside a day reads that part from the reports' own keys, so every period is counted exactly.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

FIGURES_TZ = timezone(timedelta(hours=8))

DateRange = tuple[date | None, date | None]  # [start, end), None: unbounded
TimeRange = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class PeriodPlan:
    months: DateRange | None  # month rows whose first day lies in the range
    days: list[DateRange] = field(default_factory=list)  # day rows
    moments: list[TimeRange] = field(default_factory=list)  # single reports by created_at


def day_of(moment: datetime) -> date:
    """The figures' day a moment falls on."""
    return moment.astimezone(FIGURES_TZ).date()


def day_start(day: date) -> datetime:
    """The moment (UTC) the figures' day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=FIGURES_TZ).astimezone(UTC)


def _first_day_from(moment: datetime) -> date:
    day = day_of(moment)
    return day if day_start(day) == moment else day + timedelta(days=1)


def _first_month_from(day: date) -> date:
    if day.day == 1:
        return day
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def plan_period(since: datetime | None, until: datetime | None) -> PeriodPlan:
    """Cover [since, until) with as many month rows and as few finer reads as possible."""
    first_day = None if since is None else _first_day_from(since)
    end_day = None if until is None else day_of(until)
    if first_day is not None and end_day is not None and first_day >= end_day:
        return PeriodPlan(months=None, moments=[(since, until)])
    moments: list[TimeRange] = []
    if since is not None and first_day is not None and since < day_start(first_day):
        moments.append((since, day_start(first_day)))
    if until is not None and end_day is not None and day_start(end_day) < until:
        moments.append((day_start(end_day), until))
    first_month = None if first_day is None else _first_month_from(first_day)
    end_month = None if end_day is None else end_day.replace(day=1)
    if first_month is not None and end_month is not None and first_month >= end_month:
        return PeriodPlan(months=None, days=[(first_day, end_day)], moments=moments)
    days: list[DateRange] = []
    if first_day is not None and first_month is not None and first_day < first_month:
        days.append((first_day, first_month))
    if end_day is not None and end_month is not None and end_month < end_day:
        days.append((end_month, end_day))
    return PeriodPlan(months=(first_month, end_month), days=days, moments=moments)


def plan_days(since: datetime, until: datetime) -> PeriodPlan:
    """Cover [since, until) with day rows only (and single reports at its edges): what a
    series by day reads, each row then falling on its own day."""
    plan = plan_period(since, until)
    if plan.months is None:
        return plan
    return PeriodPlan(
        months=None, days=[(_first_day_from(since), day_of(until))], moments=plan.moments
    )
