"""GET /stats carries its figures day by day and grid by grid, and GET /stats/overdue lists
the tasks /stats counts as overdue now, each within the caller's areas only."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from app.cases.models import Task
from app.core.clock import utcnow
from app.figures.periods import day_of
from tests.cases.factories import OTHER_GRID, Steps
from tests.factories import GRID
from tests.fixtures.people import People
from tests.fixtures.reports import make_report


def _overdue_task(session: Session, steps: Steps, people: People, *, hours: int) -> int:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    task_id = int(steps.dispatch(report.id, people.property_unit)["id"])
    session.execute(
        update(Task).where(col(Task.id) == task_id).values(due_at=utcnow() - timedelta(hours=hours))
    )
    session.commit()
    return task_id


def test_the_overdue_list_is_the_areas_overdue_tasks_longest_first(
    client: TestClient, session: Session, steps: Steps, people: People
) -> None:
    later, earlier = (_overdue_task(session, steps, people, hours=h) for h in (1, 5))
    make_report(session, people.rider.id, grid=OTHER_GRID)
    coordinator = people.coordinator.headers
    listed = client.get("/api/v1/stats/overdue", headers=coordinator)
    assert listed.status_code == 200, listed.text
    assert [task["id"] for task in listed.json()["items"]] == [earlier, later]
    assert all(task["overdue"] for task in listed.json()["items"])
    stats = client.get("/api/v1/stats", headers=coordinator).json()
    assert stats["overdue_now"] == 2
    one = client.get("/api/v1/stats/overdue", params={"limit": 1}, headers=coordinator)
    assert [task["id"] for task in one.json()["items"]] == [earlier]

    other = people.other_coordinator.headers
    assert client.get("/api/v1/stats/overdue", headers=other).json()["items"] == []
    refused = client.get("/api/v1/stats/overdue", params={"area": GRID}, headers=other)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    too_many = client.get("/api/v1/stats/overdue", params={"limit": 1000}, headers=coordinator)
    assert too_many.status_code == 422
    assert client.get("/api/v1/stats/overdue", headers=people.rider.headers).status_code == 403


def test_stats_carries_the_series_and_the_league_of_the_callers_grids(
    client: TestClient, session: Session, people: People
) -> None:
    now = utcnow()
    for days in (0, 0, 2):
        make_report(session, people.rider.id, created_at=now - timedelta(days=days))
    make_report(session, people.rider.id, grid=OTHER_GRID, created_at=now)
    today = day_of(now)
    period = {
        "from": (today - timedelta(days=3)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }
    stats = client.get("/api/v1/stats", params=period, headers=people.coordinator.headers).json()
    series = stats["series"]
    assert series["step"] == "day"
    assert [point["start"] for point in series["points"]] == [
        (today - timedelta(days=d)).isoformat() for d in (3, 2, 1, 0)
    ]
    assert [point["received"] for point in series["points"]] == [0, 1, 0, 2]
    league = client.get("/api/v1/stats/league", params=period, headers=people.coordinator.headers)
    assert [(row["code"], row["received"]) for row in league.json()["items"]] == [(GRID, 3)]
    everything = client.get("/api/v1/stats", headers=people.coordinator.headers).json()
    assert everything["series"]["step"] == "month"
    assert sum(p["received"] for p in everything["series"]["points"]) == everything["received"]
