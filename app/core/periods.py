"""The `from` / `to` period of the queue, its exports, the figures and the map's hotspots."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from app.core.deps import RuntimeDep
from app.core.inputs import BoundedDatetime


@dataclass(frozen=True)
class Period:
    """Received from `since` (inclusive) to `until` (exclusive); None is open-ended."""

    since: datetime | None = None
    until: datetime | None = None


def received_period(
    runtime: RuntimeDep,
    since: Annotated[
        BoundedDatetime | None,
        Query(
            alias="from",
            description="received from (inclusive); a date or a time without offset is in the "
            "work calendar's time zone",
        ),
    ] = None,
    until: Annotated[
        BoundedDatetime | None, Query(alias="to", description="received before (exclusive)")
    ] = None,
) -> Period:
    """The period asked for, a time without offset read in the work calendar's zone."""
    zone = runtime.work_calendar().tz

    def aware(moment: datetime | None) -> datetime | None:
        return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=zone)

    return Period(since=aware(since), until=aware(until))


PeriodQuery = Annotated[Period, Depends(received_period)]
