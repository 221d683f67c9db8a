"""A dispatched task's deadline: the category's time limit in working time, by the calendar."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from app.core import clock
from app.core.config import Settings
from tests.cases.factories import GAS_LEAK, Steps
from tests.conftest import make_settings
from tests.factories import assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.fixtures.reports import GARBAGE, make_report

SHANGHAI = ZoneInfo("Asia/Shanghai")
# National Day 2026 (1-7 Oct) off, Saturday 10 Oct worked instead.
NATIONAL_DAY_2026 = '{"holidays": ["2026-10-01..2026-10-07"], "makeup_workdays": ["2026-10-10"]}'


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data", work_calendar=NATIONAL_DAY_2026)


def shanghai(text: str) -> datetime:
    """A Shanghai wall-clock time written 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _dispatch_at(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    people: People,
    steps: Steps,
    now: datetime,
    category: str,
) -> datetime:
    report = make_report(session, people.rider.id, category_code=category)
    steps.accept(report.id)
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    task = steps.dispatch(report.id, people.property_unit)
    return datetime.fromisoformat(task["due_at"])


@pytest.mark.parametrize(
    ("dispatched", "category", "due"),
    [
        # 4 working hours from Wednesday 11:00: one before lunch, three after it.
        ("2026-03-04 11:00", GARBAGE, "2026-03-04 17:30"),
        # Dispatched during the lunch break: counting starts at 14:30.
        ("2026-03-04 12:40", GARBAGE, "2026-03-05 09:30"),
        # Friday 17:00: half an hour on Friday, the rest on Monday morning.
        ("2026-03-06 17:00", GARBAGE, "2026-03-09 12:00"),
        # Dispatched on a Saturday: Monday's morning, then half an hour after lunch.
        ("2026-03-07 10:00", GARBAGE, "2026-03-09 15:00"),
        # The day before National Day: 1.5 hours, then the week off, then Thursday 8 Oct.
        ("2026-09-30 16:00", GARBAGE, "2026-10-08 11:00"),
        # Friday 9 Oct 17:00: the make-up Saturday 10 Oct is a workday.
        ("2026-10-09 17:00", GARBAGE, "2026-10-10 12:00"),
        # An emergency counts wall-clock hours, nights and weekends included.
        ("2026-03-07 23:30", GAS_LEAK, "2026-03-08 00:30"),
        ("2026-10-01 12:15", GAS_LEAK, "2026-10-01 13:15"),
    ],
)
def test_due_at_defaults_from_the_category_time_limit_in_working_time(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    people: People,
    steps: Steps,
    dispatched: str,
    category: str,
    due: str,
) -> None:
    due_at = _dispatch_at(monkeypatch, session, people, steps, shanghai(dispatched), category)
    assert due_at == shanghai(due)


def test_a_given_due_at_overrides_the_default(
    monkeypatch: pytest.MonkeyPatch, session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    monkeypatch.setattr(clock, "utcnow", lambda: shanghai("2026-03-04 09:00"))
    task = steps.dispatch(report.id, people.property_unit, due_at="2026-03-04T10:00:00+08:00")
    assert datetime.fromisoformat(task["due_at"]) == shanghai("2026-03-04 10:00")


@pytest.mark.parametrize(
    "due_at",
    [
        "2026-03-04T08:59:00+08:00",  # already past
        "2026-03-04T10:00:00",  # no offset: which zone is meant?
        "tomorrow",
    ],
)
def test_a_due_at_in_the_past_or_without_offset_is_refused(
    monkeypatch: pytest.MonkeyPatch, session: Session, people: People, steps: Steps, due_at: str
) -> None:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    monkeypatch.setattr(clock, "utcnow", lambda: shanghai("2026-03-04 09:00"))
    body = {"unit_code": unit_code_of(people.property_unit), "due_at": due_at}
    response = steps.post(f"/reports/{report.id}/tasks", people.coordinator, json=body)
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"] == "due_at"
    assert steps.report(report.id)["status"] == "accepted"


def test_a_task_shows_overdue_once_its_due_at_has_passed(
    monkeypatch: pytest.MonkeyPatch, session: Session, people: People, steps: Steps
) -> None:
    due_at = _dispatch_at(
        monkeypatch, session, people, steps, shanghai("2026-03-04 11:00"), GARBAGE
    )
    unit = people.property_unit
    [before] = steps.get("/tasks", unit).json()["items"]
    monkeypatch.setattr(clock, "utcnow", lambda: due_at)
    [at_deadline] = steps.get("/tasks", unit).json()["items"]
    assert (before["overdue"], at_deadline["overdue"]) == (False, True)
