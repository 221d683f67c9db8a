import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.core.calendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The real 2026 schedule (国务院办公厅, 2025-11-04): Mid-Autumn 25-27 Sep, National Day 1-7 Oct,
# with Sunday 20 Sep and Saturday 10 Oct as make-up workdays.
AUTUMN_2026_SETTING = """{
    "holidays": ["2026-09-25..2026-09-27", "2026-10-01..2026-10-07"],
    "makeup_workdays": ["2026-09-20", "2026-10-10"]
}"""
AUTUMN_2026 = WorkCalendar.from_setting(AUTUMN_2026_SETTING)


def at(text: str) -> datetime:
    """A Shanghai local time written as 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2026-03-04 09:00", 2, "2026-03-04 11:00"),  # inside the morning period
        ("2026-03-04 11:30", 1, "2026-03-04 15:00"),  # over the lunch break
        ("2026-03-04 12:30", 1, "2026-03-04 15:30"),  # starts during lunch
        ("2026-03-04 12:00", 1, "2026-03-04 15:30"),  # starts exactly at the lunch break
        ("2026-03-04 11:00", 1, "2026-03-04 12:00"),  # uses up the morning: due at its close
        ("2026-03-04 08:30", 6.5, "2026-03-04 17:30"),  # a whole working day
        ("2026-03-04 07:00", 1, "2026-03-04 09:30"),  # starts before opening
        ("2026-03-04 17:30", 0.5, "2026-03-05 09:00"),  # starts exactly at closing
        ("2026-03-04 21:00", 1, "2026-03-05 09:30"),  # starts at night
        ("2026-03-05 03:00", 4, "2026-03-05 15:00"),  # starts before dawn
        ("2026-03-04 09:00", 0.25, "2026-03-04 09:15"),  # fractional hours
        ("2026-03-04 08:30", 1.75, "2026-03-04 10:15"),
        ("2026-03-06 17:00", 2, "2026-03-09 10:00"),  # Friday evening over the weekend
        ("2026-03-07 10:00", 1, "2026-03-09 09:30"),  # starts on a Saturday
        ("2026-03-02 08:30", 24, "2026-03-05 15:30"),  # three days and a half-morning
    ],
)
def test_add_working_hours_counts_only_working_periods(start: str, hours: float, due: str) -> None:
    assert WorkCalendar().add_working_hours(at(start), hours) == at(due)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2026-09-30 17:00", 2, "2026-10-08 10:00"),  # over the National Day week
        ("2026-10-03 10:00", 1, "2026-10-08 09:30"),  # starts on a holiday
        ("2026-09-24 17:00", 1, "2026-09-28 09:00"),  # over Mid-Autumn (Friday is a holiday)
        ("2026-10-09 17:00", 2, "2026-10-10 10:00"),  # into the make-up Saturday
        ("2026-09-19 10:00", 1, "2026-09-20 09:30"),  # starts on Saturday, make-up Sunday works
    ],
)
def test_add_working_hours_skips_holidays_and_works_makeup_days(
    start: str, hours: float, due: str
) -> None:
    assert AUTUMN_2026.add_working_hours(at(start), hours) == at(due)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Friday 17:00 in Shanghai is 09:00 UTC; Monday 10:00 in Shanghai is 02:00 UTC.
        (datetime(2026, 3, 6, 9, 0, tzinfo=UTC), 2, datetime(2026, 3, 9, 2, 0, tzinfo=UTC)),
        # 12:30 in Tokyo is 11:30 in Shanghai; due 15:00 in Shanghai, 16:00 in Tokyo.
        (
            datetime(2026, 3, 4, 12, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
            1,
            datetime(2026, 3, 4, 16, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        ),
        # Shanghai's offset written as a fixed +08:00.
        (
            datetime(2026, 3, 4, 11, 30, tzinfo=timezone(timedelta(hours=8))),
            1,
            datetime(2026, 3, 4, 15, 0, tzinfo=timezone(timedelta(hours=8))),
        ),
    ],
)
def test_add_working_hours_answers_in_the_time_zone_of_its_start(
    start: datetime, hours: float, due: datetime
) -> None:
    result = WorkCalendar().add_working_hours(start, hours)
    assert result == due
    assert result.utcoffset() == start.utcoffset()


def test_adding_zero_hours_returns_the_start_even_at_night() -> None:
    assert WorkCalendar().add_working_hours(at("2026-03-07 23:00"), 0) == at("2026-03-07 23:00")


def test_a_period_spanning_a_dst_change_counts_real_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks jump from 02:00 to 03:00 on Sunday 29 March 2026: 01:00-04:00 holds two hours.
    night_shift = WorkCalendar(
        tz=berlin, periods=((time(1, 0), time(4, 0)),), workdays=frozenset({7})
    )
    start = datetime(2026, 3, 29, 1, 0, tzinfo=berlin)
    assert night_shift.add_working_hours(start, 2.5) == datetime(2026, 4, 5, 1, 30, tzinfo=berlin)
    assert night_shift.working_hours_between(start, datetime(2026, 3, 29, 4, 0, tzinfo=berlin)) == 2


@pytest.mark.parametrize(
    ("start", "hours", "message"),
    [
        (datetime(2026, 3, 4, 9, 0), 1, "time zone is needed"),  # naive
        (at("2026-03-04 09:00"), -1, "finite number >= 0"),
        (at("2026-03-04 09:00"), math.nan, "finite number >= 0"),
        (at("2026-03-04 09:00"), math.inf, "finite number >= 0"),
    ],
)
def test_add_working_hours_refuses_bad_input(start: datetime, hours: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar().add_working_hours(start, hours)


@pytest.mark.parametrize(
    ("calendar", "start", "end", "hours"),
    [
        (WorkCalendar(), "2026-03-04 09:00", "2026-03-04 11:00", 2),
        (WorkCalendar(), "2026-03-04 11:00", "2026-03-04 15:00", 1.5),  # lunch does not count
        (WorkCalendar(), "2026-03-04 12:10", "2026-03-04 14:00", 0),  # all within lunch
        (WorkCalendar(), "2026-03-06 17:00", "2026-03-09 10:00", 2),  # over a weekend
        (WorkCalendar(), "2026-03-02 00:00", "2026-03-09 00:00", 32.5),  # a whole week
        (WorkCalendar(), "2026-03-09 10:00", "2026-03-06 17:00", -2),  # end before start
        (AUTUMN_2026, "2026-09-30 00:00", "2026-10-09 00:00", 13),  # two days around a holiday
        (AUTUMN_2026, "2026-09-19 00:00", "2026-09-21 00:00", 6.5),  # a make-up Sunday
    ],
)
def test_working_hours_between(calendar: WorkCalendar, start: str, end: str, hours: float) -> None:
    assert calendar.working_hours_between(at(start), at(end)) == pytest.approx(hours)


def test_working_hours_between_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="time zone is needed"):
        WorkCalendar().working_hours_between(at("2026-03-04 09:00"), datetime(2026, 3, 4, 11, 0))


# Starts at a closing time, in a holiday, on a weekend before a make-up day, in the last holiday.
STARTS = ["2026-09-30 17:30", "2026-09-25 12:15", "2026-09-19 03:00", "2026-10-07 11:59"]
HOURS = [0, 0.1, 1, 3.5, 6.5, 7.25, 40, 100]


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("hours", HOURS)
def test_working_hours_between_undoes_add_working_hours(start: str, hours: float) -> None:
    due = AUTUMN_2026.add_working_hours(at(start), hours)
    assert AUTUMN_2026.working_hours_between(at(start), due) == pytest.approx(hours, abs=1e-9)


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("end", ["2026-10-08 08:45", "2026-10-10 16:00", "2026-10-13 17:30"])
def test_add_working_hours_undoes_working_hours_between(start: str, end: str) -> None:
    hours = AUTUMN_2026.working_hours_between(at(start), at(end))
    assert AUTUMN_2026.add_working_hours(at(start), hours) == at(end)


def test_due_at_counts_wall_clock_hours_for_emergencies() -> None:
    saturday_night = at("2026-03-07 23:00")
    assert WorkCalendar().due_at(saturday_night, 2, wall_clock=True) == at("2026-03-08 01:00")
    assert WorkCalendar().due_at(saturday_night, 2, wall_clock=False) == at("2026-03-09 10:30")


def test_due_at_refuses_negative_wall_clock_hours() -> None:
    with pytest.raises(ValueError, match="finite number >= 0"):
        WorkCalendar().due_at(at("2026-03-07 23:00"), -2, wall_clock=True)


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (date(2026, 9, 30), True),  # a Wednesday
        (date(2026, 10, 3), False),  # a Saturday in the holiday
        (date(2026, 10, 1), False),  # a Thursday in the holiday
        (date(2026, 9, 20), True),  # a make-up Sunday
        (date(2026, 10, 10), True),  # a make-up Saturday
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_is_workday(day: date, works: bool) -> None:
    assert AUTUMN_2026.is_workday(day) is works


@pytest.mark.parametrize("text", ["", "  ", "{}"])
def test_empty_setting_gives_the_default_calendar(text: str) -> None:
    assert WorkCalendar.from_setting(text) == WorkCalendar()


def test_default_calendar_is_shanghai_office_hours_monday_to_friday() -> None:
    calendar = WorkCalendar()
    assert calendar.tz == SHANGHAI
    assert calendar.periods == ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
    assert calendar.workdays == {1, 2, 3, 4, 5}


def test_setting_with_every_key_builds_that_calendar() -> None:
    setting = """{"tz": "Asia/Urumqi", "periods": ["09:00-13:00", " 15:30 - 19:00 "],
        "workdays": [1, 2, 3, 4, 5, 6], "holidays": ["2026-10-01..2026-10-03", "2026-12-25"],
        "makeup_workdays": ["2026-09-27"]}"""
    assert WorkCalendar.from_setting(setting) == WorkCalendar(
        tz=ZoneInfo("Asia/Urumqi"),
        periods=((time(9, 0), time(13, 0)), (time(15, 30), time(19, 0))),
        workdays=frozenset({1, 2, 3, 4, 5, 6}),
        holidays=frozenset(
            {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2026, 12, 25)}
        ),
        makeup_workdays=frozenset({date(2026, 9, 27)}),
    )


def test_holiday_range_includes_both_ends() -> None:
    assert AUTUMN_2026.holidays == {date(2026, 9, 25) + timedelta(days=n) for n in range(3)} | {
        date(2026, 10, 1) + timedelta(days=n) for n in range(7)
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("office hours", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"holiday": []}', "unknown key holiday"),
        ('{"tz": "Mars/Olympus_Mons"}', "unknown time zone"),
        ('{"tz": "../../etc/passwd"}', "unknown time zone"),
        ('{"tz": 8}', "tz must be a time zone name"),
        ('{"periods": "08:30-12:00"}', "periods must be a list"),
        ('{"periods": ["8:30 to 12"]}', "is not like 08:30-12:00"),
        ('{"periods": [830]}', "is not like 08:30-12:00"),
        ('{"periods": ["08:30-24:00"]}', "impossible time"),
        ('{"periods": ["12:00-08:30"]}', "must end after it starts"),
        ('{"periods": ["14:30-17:30", "08:30-12:00"]}', "in order and must not overlap"),
        ('{"periods": ["08:30-12:00", "11:00-17:30"]}', "in order and must not overlap"),
        ('{"periods": []}', "at least one working period"),
        ('{"workdays": [0]}', "not an ISO weekday"),
        ('{"workdays": [true]}', "not an ISO weekday"),
        ('{"workdays": []}', "workdays must be one or more ISO weekdays"),
        ('{"holidays": ["2026-13-01"]}', "not YYYY-MM-DD"),
        ('{"holidays": ["2026-10-01..oct 7"]}', "not YYYY-MM-DD"),
        ('{"holidays": [20261001]}', "not a date string"),
        ('{"holidays": ["2026-10-07..2026-10-01"]}', "ends before it starts"),
        (
            '{"holidays": ["2026-10-10"], "makeup_workdays": ["2026-10-10"]}',
            "both a holiday and a make-up workday: 2026-10-10",
        ),
    ],
)
def test_bad_setting_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar.from_setting(text)
