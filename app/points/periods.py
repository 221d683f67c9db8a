"""Local days and months (Asia/Shanghai) as UTC bounds, for daily caps, statements and boards."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.inputs import EARLIEST_YEAR, LATEST_YEAR, year_in_range
from app.core.messages import Message, MessageError

LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def local_day_start(moment: datetime) -> datetime:
    """The UTC instant at which the local day holding `moment` began."""
    local = moment.astimezone(LOCAL_TIMEZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def month_of(moment: datetime) -> str:
    """The local month of `moment`, as "2026-11"."""
    return moment.astimezone(LOCAL_TIMEZONE).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local month given as "2026-11"; MessageError for anything else."""
    match = MONTH_PATTERN.match(month)
    if match is None:
        raise MessageError(Message("points.month-form"))
    year, number = int(match[1]), int(match[2])
    if not year_in_range(year):
        raise MessageError(
            Message("points.month-range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        )
    start = datetime(year, number, 1, tzinfo=LOCAL_TIMEZONE)
    following = (start + timedelta(days=32)).replace(day=1)
    return start.astimezone(UTC), following.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """`moment` on the local clock, for what people read (statements)."""
    return moment.astimezone(LOCAL_TIMEZONE)
