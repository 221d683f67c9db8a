"""The overdue job: marking, telling the grid's coordinators, escalating to the street's."""

import asyncio
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.cases import overdue
from app.cases.models import Task
from app.cases.overdue import OverdueResult, run_overdue_check
from app.core.config import Settings
from app.core.runtime import Runtime
from app.notifications.models import Notification
from app.reports.models import ReportEvent
from tests.cases.factories import Steps
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.fixtures.reports import make_report

MINUTE = timedelta(minutes=1)


def _dispatched_task(session: Session, people: People, steps: Steps) -> tuple[int, datetime]:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    task = steps.dispatch(report.id, people.property_unit)
    return task["id"], datetime.fromisoformat(task["due_at"])


def _inbox_kinds(session: Session, person_id: int) -> Counter[str]:
    kinds = session.exec(select(Notification.kind).where(Notification.account_id == person_id))
    counts = Counter(kinds)
    session.commit()  # the test session writes: end its transaction, free SQLite's write lock
    return counts


def test_a_past_due_task_is_marked_once_and_its_coordinators_hear_of_it_once(
    session: Session, people: People, steps: Steps, runtime: Runtime, settings: Settings
) -> None:
    task_id, due_at = _dispatched_task(session, people, steps)
    watchers = [people.coordinator, people.grid_coordinator, people.street_coordinator]

    before = run_overdue_check(runtime.engine, settings, due_at - MINUTE)
    first = run_overdue_check(runtime.engine, settings, due_at + MINUTE)
    second = run_overdue_check(runtime.engine, settings, due_at + 2 * MINUTE)

    assert (before, first, second) == (
        OverdueResult(0, 0),
        OverdueResult(marked_overdue=1, escalated=0),
        OverdueResult(0, 0),
    )
    task = session.get_one(Task, task_id, populate_existing=True)
    assert task.overdue_at == due_at + MINUTE
    inboxes = [_inbox_kinds(session, person.id)["task_overdue"] for person in watchers]
    # The community's and the grid's coordinators; the street hears only of escalations.
    assert inboxes == [1, 1, 0]
    assert _inbox_kinds(session, people.other_coordinator.id) == Counter()
    timeline = steps.get(f"/reports/{task.report_id}/events", people.coordinator).json()
    [entry] = [e for e in timeline["items"] if e["kind"] == "task_overdue"]
    assert (entry["task_id"], entry["actor"]) == (task_id, None)


def test_a_task_overdue_beyond_the_grace_is_escalated_to_the_street_once(
    session: Session, people: People, steps: Steps, runtime: Runtime, settings: Settings
) -> None:
    street, community = people.street_coordinator, people.coordinator
    _task_id, due_at = _dispatched_task(session, people, steps)
    grace = timedelta(hours=settings.escalation_grace_hours)

    within_grace = run_overdue_check(runtime.engine, settings, due_at + grace - MINUTE)
    beyond_grace = run_overdue_check(runtime.engine, settings, due_at + grace + MINUTE)
    again = run_overdue_check(runtime.engine, settings, due_at + grace + 2 * MINUTE)

    assert (within_grace, beyond_grace, again) == (
        OverdueResult(marked_overdue=1, escalated=0),
        OverdueResult(marked_overdue=0, escalated=1),
        OverdueResult(0, 0),
    )
    assert _inbox_kinds(session, street.id) == Counter({"task_escalated": 1})
    assert _inbox_kinds(session, community.id)["task_escalated"] == 0
    listed = steps.get("/tasks", community).json()["items"]
    assert [(t["overdue"], t["escalated"]) for t in listed] == [(True, True)]


def test_finished_tasks_are_never_marked_overdue(
    session: Session, people: People, steps: Steps, runtime: Runtime, settings: Settings
) -> None:
    done_id, due_at = _dispatched_task(session, people, steps)
    steps.take(done_id, people.property_unit)
    steps.complete(done_id, people.property_unit)
    returned_id, _ = _dispatched_task(session, people, steps)
    steps.hand_back(returned_id, people.property_unit)

    result = run_overdue_check(runtime.engine, settings, due_at + timedelta(days=30))

    assert result == OverdueResult(0, 0)
    stamped = session.exec(select(Task.id).where(col(Task.overdue_at).is_not(None))).all()
    assert stamped == []


def test_two_overdue_checks_at_once_notify_each_coordinator_once_per_task(
    session: Session, people: People, steps: Steps, runtime: Runtime, settings: Settings
) -> None:
    watchers = (people.coordinator, people.street_coordinator)
    due_ats = [_dispatched_task(session, people, steps)[1] for _ in range(5)]
    now = max(due_ats) + timedelta(hours=settings.escalation_grace_hours) + MINUTE
    barrier = threading.Barrier(2)

    def check() -> OverdueResult:
        barrier.wait()
        return run_overdue_check(runtime.engine, settings, now)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [future.result(timeout=60) for future in [pool.submit(check) for _ in "ab"]]

    assert sum(r.marked_overdue for r in results) == 5
    assert sum(r.escalated for r in results) == 5
    assert [_inbox_kinds(session, person.id) for person in watchers] == [
        {"task_overdue": 5},
        {"task_escalated": 5},
    ]
    entries = session.exec(
        select(ReportEvent.kind).where(
            col(ReportEvent.kind).in_(["task_overdue", "task_escalated"])
        )
    ).all()
    assert Counter(entries) == {"task_overdue": 5, "task_escalated": 5}


def test_the_periodic_check_runs_every_interval_and_survives_a_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path)
    intervals: list[float] = []
    runs: list[datetime] = []

    async def no_wait(seconds: float) -> None:
        intervals.append(seconds)
        if len(intervals) > 3:
            raise asyncio.CancelledError

    def fake_check(_engine: object, _settings: Settings, now: datetime) -> OverdueResult:
        runs.append(now)
        if len(runs) == 1:
            raise RuntimeError("database restarting")
        return OverdueResult(0, 0)

    monkeypatch.setattr(overdue.asyncio, "sleep", no_wait)
    monkeypatch.setattr(overdue, "run_overdue_check", fake_check)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(overdue.check_overdue_periodically(None, settings))  # type: ignore[arg-type]

    assert intervals == [settings.overdue_check_seconds] * 4
    assert len(runs) == 3
