"""Working time (工作时间): deadlines counted in working hours, with holidays and make-up workdays.

A category's time limit (时限) is counted in working hours: only the daily working periods of
workdays count. Emergencies count wall-clock hours instead (`due_at(..., wall_clock=True)`).
China moves weekends around public holidays (调休), so a calendar lists holidays and the
weekend days that are workdays instead; both come from the `TANTOU_WORK_CALENDAR` setting.
"""

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WorkPeriod = tuple[time, time]

DEFAULT_TIMEZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS: tuple[WorkPeriod, ...] = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
DEFAULT_WORKDAYS = frozenset({1, 2, 3, 4, 5})  # ISO weekdays: Monday is 1, Sunday is 7
_ISO_WEEKDAYS = frozenset(range(1, 8))

_SETTING_KEYS = ("tz", "periods", "workdays", "holidays", "makeup_workdays")
_PERIOD_PATTERN = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_ONE_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Working periods of a day, the weekdays that work, and the exceptions (调休) to them."""

    tz: ZoneInfo = DEFAULT_TIMEZONE
    periods: tuple[WorkPeriod, ...] = DEFAULT_PERIODS
    workdays: frozenset[int] = DEFAULT_WORKDAYS
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("work calendar: at least one working period is needed")
        for opens, closes in self.periods:
            if opens >= closes:
                raise ValueError(
                    f"work calendar: period {opens:%H:%M}-{closes:%H:%M} must end after it starts"
                )
        for (_, closes), (opens, _) in pairwise(self.periods):
            if opens < closes:
                raise ValueError("work calendar: periods must be in order and must not overlap")
        # Without any workday a deadline would never come.
        if not self.workdays or not self.workdays <= _ISO_WEEKDAYS:
            raise ValueError("work calendar: workdays must be one or more ISO weekdays, 1 to 7")
        if both := self.holidays & self.makeup_workdays:
            days = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"work calendar: both a holiday and a make-up workday: {days}")

    def is_workday(self, day: date) -> bool:
        """Whether the day has working periods: a make-up workday, or a workday not a holiday."""
        if day in self.makeup_workdays:
            return True
        return day not in self.holidays and day.isoweekday() in self.workdays

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after start, in start's time zone.

        Counting begins at the next working period when start falls outside one (lunch break,
        night, weekend, holiday); a deadline that uses up a period exactly ends at its close.
        """
        remaining = _duration(start, hours)
        if not remaining:
            return start
        start_utc = start.astimezone(UTC)
        periods = self._working_periods_utc(start.astimezone(self.tz).date())
        while True:
            opens, closes = next(periods)
            if closes <= start_utc:
                continue
            begin = max(opens, start_utc)
            if remaining <= closes - begin:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= closes - begin

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from start to end; negative when end is before start."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.working_hours_between(end, start)
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        worked = timedelta()
        for opens, closes in self._working_periods_utc(start.astimezone(self.tz).date()):
            if opens >= end_utc:
                break
            overlap = min(closes, end_utc) - max(opens, start_utc)
            if overlap > timedelta():
                worked += overlap
        return worked / _ONE_HOUR

    def due_at(self, start: datetime, hours: float, *, wall_clock: bool) -> datetime:
        """The deadline of a time limit: wall-clock hours for emergencies, else working hours."""
        if wall_clock:
            return start + _duration(start, hours)
        return self.add_working_hours(start, hours)

    @classmethod
    def from_setting(cls, text: str) -> "WorkCalendar":
        """Parse the JSON setting; every key is optional and blank text means the defaults.

        Example: {"tz": "Asia/Shanghai", "periods": ["08:30-12:00", "14:30-17:30"],
        "workdays": [1, 2, 3, 4, 5], "holidays": ["2026-10-01..2026-10-07"],
        "makeup_workdays": ["2026-09-20", "2026-10-10"]}. Workdays are ISO weekdays (Monday 1);
        a holiday or make-up entry is a date or an inclusive range `FIRST..LAST`.
        Raises ValueError saying what is wrong.
        """
        if not text.strip():
            return cls()
        try:
            setting = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"work calendar: not valid JSON ({error})") from error
        if not isinstance(setting, dict):
            raise ValueError("work calendar: must be a JSON object")
        if unknown := sorted(set(setting) - set(_SETTING_KEYS)):
            known = ", ".join(_SETTING_KEYS)
            raise ValueError(f"work calendar: unknown key {', '.join(unknown)}; known: {known}")
        fields: dict[str, Any] = {}
        if "tz" in setting:
            fields["tz"] = _parse_timezone(setting["tz"])
        if "periods" in setting:
            fields["periods"] = tuple(_parse_period(p) for p in _list(setting, "periods"))
        if "workdays" in setting:
            fields["workdays"] = frozenset(_parse_weekday(d) for d in _list(setting, "workdays"))
        for key in ("holidays", "makeup_workdays"):
            if key in setting:
                fields[key] = frozenset(
                    day for entry in _list(setting, key) for day in _parse_days(key, entry)
                )
        return cls(**fields)

    def _working_periods_utc(self, first_day: date) -> Iterator[tuple[datetime, datetime]]:
        """Every working period from first_day on, endlessly, as (opens, closes) in UTC."""
        day = first_day
        while True:
            if self.is_workday(day):
                for opens, closes in self.periods:
                    yield (
                        datetime.combine(day, opens, self.tz).astimezone(UTC),
                        datetime.combine(day, closes, self.tz).astimezone(UTC),
                    )
            day += timedelta(days=1)


def _require_aware(moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"a time zone is needed: {moment.isoformat()} has none")


def _duration(start: datetime, hours: float) -> timedelta:
    _require_aware(start)
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a finite number >= 0, not {hours}")
    return timedelta(hours=hours)


def _list(setting: dict[str, Any], key: str) -> list[Any]:
    value = setting[key]
    if not isinstance(value, list):
        raise ValueError(f"work calendar: {key} must be a list")
    return value


def _parse_timezone(name: Any) -> ZoneInfo:
    if not isinstance(name, str):
        raise ValueError("work calendar: tz must be a time zone name such as Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"work calendar: unknown time zone {name!r}") from error


def _parse_period(entry: Any) -> WorkPeriod:
    match = _PERIOD_PATTERN.fullmatch(entry) if isinstance(entry, str) else None
    if match is None:
        raise ValueError(f"work calendar: period {entry!r} is not like 08:30-12:00")
    open_hour, open_minute, close_hour, close_minute = (int(part) for part in match.groups())
    try:
        return time(open_hour, open_minute), time(close_hour, close_minute)
    except ValueError as error:
        raise ValueError(f"work calendar: period {entry!r} has an impossible time") from error


def _parse_weekday(entry: Any) -> int:
    # bool is an int in Python; `true` is not a weekday.
    if isinstance(entry, bool) or not isinstance(entry, int) or not 1 <= entry <= 7:
        raise ValueError(f"work calendar: workday {entry!r} is not an ISO weekday 1 to 7")
    return entry


def _parse_days(key: str, entry: Any) -> list[date]:
    if not isinstance(entry, str):
        raise ValueError(f"work calendar: {key} entry {entry!r} is not a date string")
    first_text, _, last_text = entry.partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if last_text else first
    except ValueError as error:
        raise ValueError(
            f"work calendar: {key} entry {entry!r} is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
        ) from error
    if last < first:
        raise ValueError(f"work calendar: {key} range {entry!r} ends before it starts")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
