"""Figures per grid, community and street: counts, closure rates, rework, time to close."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from app.cases.models import Task
from tests.cases.factories import GAS_LEAK, OTHER_GRID, Steps
from tests.factories import COMMUNITY, GRID, OTHER_COMMUNITY, TOWN, assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report

HOUR = timedelta(hours=1)


def _set_due_at(session: Session, task_id: int, due_at: datetime) -> None:
    session.execute(update(Task).where(col(Task.id) == task_id).values(due_at=due_at))
    session.commit()


def _county_of_cases(session: Session, people: People, steps: Steps) -> dict[str, int]:
    """Eight reports in GRID in every state that counts, and one closed in OTHER_COMMUNITY."""
    now = datetime.now(UTC)
    unit = people.property_unit
    ids: dict[str, int] = {}
    for name, age_h in [("on_time", 30), ("late", 20), ("reworked", 10)]:
        report = make_report(session, people.rider.id, created_at=now - age_h * HOUR)
        task_id = steps.to_resolved(report.id, unit)
        if name == "reworked":
            steps.rework(report.id)
            steps.take(task_id, unit)
            steps.complete(task_id, unit)
        if name == "late":
            _set_due_at(session, task_id, now - HOUR)
        steps.approve(report.id)
        ids[name] = report.id  # type: ignore[assignment]
    for name in ("past_deadline", "within_deadline"):
        report = make_report(session, people.rider.id, category_code=GAS_LEAK)
        steps.accept(report.id)
        task_id = steps.dispatch(report.id, unit)["id"]
        if name == "past_deadline":
            _set_due_at(session, task_id, now - HOUR)
        ids[name] = report.id  # type: ignore[assignment]
    rejected = make_report(session, people.rider.id)
    steps.reject(rejected.id)
    duplicate = make_report(session, people.other_rider.id)
    steps.merge(duplicate.id, into=ids["past_deadline"])
    make_report(session, people.rider.id)
    elsewhere = make_report(session, people.other_rider.id, grid=OTHER_GRID)
    steps.accept(elsewhere.id, by=people.other_coordinator)
    return ids


def _stats(steps: Steps, person: Any, **params: str) -> dict[str, Any]:
    response = steps.get("/stats", person, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("area", [GRID, COMMUNITY, TOWN])
def test_the_figures_of_an_area_count_each_case_where_it_belongs(
    session: Session, people: People, steps: Steps, area: str
) -> None:
    _county_of_cases(session, people, steps)

    stats = _stats(steps, people.street_coordinator, area=area)

    assert stats["area"]["code"] == area
    assert stats["received"] == 8
    assert {k: v for k, v in stats["by_status"].items() if v} == {
        "submitted": 1,
        "rejected": 1,
        "duplicate": 1,
        "dispatched": 2,
        "closed": 3,
    }
    assert [(c["code"], c["count"]) for c in stats["by_category"]] == [("0102", 6), ("0403", 2)]
    figures = {
        key: stats[key]
        for key in (
            "cases",
            "due_to_close",
            "closed",
            "closed_on_time",
            "closure_rate",
            "on_time_closure_rate",
            "reworked",
            "rework_rate",
            "overdue_now",
        )
    }
    assert figures == {
        "cases": 5,
        "due_to_close": 4,  # three closed, one past its deadline
        "closed": 3,
        "closed_on_time": 2,
        "closure_rate": 0.75,
        "on_time_closure_rate": 0.5,
        "reworked": 1,
        "rework_rate": 0.3333,
        "overdue_now": 1,
    }
    # Read from close-time buckets: within 0.8% (README, "Figures and rollups").
    assert stats["median_hours_to_close"] == pytest.approx(20, rel=0.008)


def test_the_period_counts_reports_received_in_it(
    session: Session, people: People, steps: Steps
) -> None:
    _county_of_cases(session, people, steps)
    now = datetime.now(UTC)
    since = (now - 25 * HOUR).isoformat()
    until = (now - 5 * HOUR).isoformat()

    stats = _stats(steps, people.coordinator, area=COMMUNITY, **{"from": since, "to": until})

    assert (stats["received"], stats["closed"], stats["closed_on_time"]) == (2, 2, 1)
    assert datetime.fromisoformat(stats["as_of"]) == datetime.fromisoformat(until)


def test_without_an_area_the_figures_cover_the_callers_areas(
    session: Session, people: People, steps: Steps
) -> None:
    _county_of_cases(session, people, steps)
    assert _stats(steps, people.coordinator)["received"] == 8
    assert _stats(steps, people.other_coordinator)["received"] == 1
    assert _stats(steps, people.admin)["received"] == 9


@pytest.mark.parametrize(
    ("who", "area", "status"),
    [
        ("other_coordinator", COMMUNITY, 403),
        ("grid_coordinator", COMMUNITY, 403),  # above their grid
        ("coordinator", "nowhere", 422),
        ("property_unit", COMMUNITY, 403),
        ("rider", COMMUNITY, 403),
    ],
)
def test_figures_are_scoped_to_the_caller(
    session: Session, people: People, steps: Steps, who: str, area: str, status: int
) -> None:
    assert_problem(steps.get("/stats", getattr(people, who), params={"area": area}), status)


def test_another_community_has_its_own_figures(
    session: Session, people: People, steps: Steps
) -> None:
    _county_of_cases(session, people, steps)
    stats = _stats(steps, people.other_coordinator, area=OTHER_COMMUNITY)
    assert (stats["received"], stats["cases"], stats["overdue_now"]) == (1, 1, 0)
