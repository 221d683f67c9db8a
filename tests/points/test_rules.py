"""Pure parts of points: the daily cap, local days and months, ranks, the statement CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.points.leaderboards import competition_ranks
from app.points.periods import local_day_start, month_bounds, month_of
from app.points.rules import EntryKind, capped_points
from app.points.statement import STATEMENT_COLUMNS, statement_csv


@pytest.mark.parametrize(
    ("rule_points", "earned_today", "daily_cap", "paid"),
    [
        (5, 0, 50, 5),  # well under the cap
        (5, 45, 50, 5),  # exactly reaches it
        (5, 48, 50, 2),  # cut to what is left
        (5, 50, 50, 0),  # nothing left
        (5, 70, 50, 0),  # over (a lowered cap): never negative
        (5, 1000, 0, 5),  # 0 means no cap
    ],
)
def test_capped_points(rule_points: int, earned_today: int, daily_cap: int, paid: int) -> None:
    assert capped_points(rule_points, earned_today, daily_cap) == paid


@pytest.mark.parametrize(
    ("moment", "day_start"),
    [
        # 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is already the next local day.
        (datetime(2026, 11, 3, 15, 59, tzinfo=UTC), datetime(2026, 11, 2, 16, 0, tzinfo=UTC)),
        (datetime(2026, 11, 3, 16, 0, tzinfo=UTC), datetime(2026, 11, 3, 16, 0, tzinfo=UTC)),
    ],
)
def test_local_day_starts_at_midnight_in_shanghai(moment: datetime, day_start: datetime) -> None:
    assert local_day_start(moment) == day_start


def test_month_bounds_are_local_midnights_in_utc() -> None:
    assert month_bounds("2026-12") == (
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
    )
    assert month_of(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == "2026-12"


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-00"])
def test_malformed_months_are_refused(month: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_bounds(month)


@pytest.mark.parametrize(
    ("points", "ranks"),
    [([9, 7, 7, 5], [1, 2, 2, 4]), ([3, 3, 3], [1, 1, 1]), ([], []), ([1], [1])],
)
def test_ties_share_a_rank(points: list[int], ranks: list[int]) -> None:
    assert competition_ranks(points) == ranks


@dataclass
class Line:
    created_at: datetime
    kind: EntryKind
    amount: int
    reason: str
    source_id: str


def test_statement_is_utf8_with_bom_and_a_running_balance() -> None:
    lines = [
        Line(
            datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
            EntryKind.REPORT_ACCEPTED,
            5,
            "上报被受理：暴露垃圾",
            "12",
        ),
        Line(
            datetime(2026, 11, 5, 8, 30, tzinfo=UTC), EntryKind.REDEMPTION, -30, "兑换：矿泉水", "3"
        ),
        Line(
            datetime(2026, 11, 6, 8, 30, tzinfo=UTC), EntryKind.ADJUSTMENT, 2, "=HYPERLINK(1)", "x"
        ),
    ]
    data = statement_csv("2026-11", 40, lines)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == STATEMENT_COLUMNS
    assert rows[1][1:4] == ["期初余额", "", "40"]
    assert rows[2] == [
        "2026-11-02 09:00:00",
        "上报被受理",
        "+5",
        "45",
        "上报被受理：暴露垃圾",
        "12",
    ]
    assert rows[3][2:4] == ["-30", "15"]
    # A typed reason never becomes a spreadsheet formula; adjustments have no source to show.
    assert rows[4][4:] == ["'=HYPERLINK(1)", ""]
    assert rows[5][1:4] == ["期末余额", "", "17"]
