"""Several people acting on one case at the same moment: exactly one wins each race, and a
step on a case that moved on since it was read is refused as stale."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import event
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, func, select

from app.notifications.models import Notification
from app.reports.models import Report, ReportEvent
from app.reports.states import ReportStatus
from tests.cases.factories import Steps
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report

RACERS = 10


def _race(call: Callable[[], httpx.Response], racers: int = RACERS) -> list[httpx.Response]:
    """Start `racers` threads on `call` at the same instant; their responses."""
    barrier = threading.Barrier(racers)

    def run() -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=racers) as pool:
        futures = [pool.submit(run) for _ in range(racers)]
        return [future.result(timeout=60) for future in futures]


def _status_counts(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


def test_ten_simultaneous_accepts_give_one_success_and_nine_conflicts(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    coordinator = people.coordinator

    responses = _race(
        lambda: steps.post(f"/reports/{report.id}/accept", coordinator, json={"note": "受理"})
    )

    assert _status_counts(responses) == {200: 1, 409: RACERS - 1}
    assert all(
        r.headers["content-type"].startswith("application/problem+json")
        for r in responses
        if r.status_code == 409
    )
    accepted_events = session.exec(
        select(func.count()).where(
            ReportEvent.report_id == report.id, ReportEvent.to_status == "accepted"
        )
    ).one()
    assert accepted_events == 1
    told = session.exec(
        select(func.count()).where(
            Notification.account_id == people.rider.id, Notification.kind == "report_accepted"
        )
    ).one()
    assert told == 1


def test_ten_simultaneous_takes_of_one_task_give_one_success(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    task_id = steps.dispatch(report.id, people.property_unit)["id"]

    responses = _race(lambda: steps.post(f"/tasks/{task_id}/accept", people.property_unit))

    assert _status_counts(responses) == {200: 1, 409: RACERS - 1}
    assert steps.report(report.id)["status"] == "in_progress"


def test_two_units_taking_their_own_tasks_at_once_both_succeed(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    units = [people.property_unit, people.law_unit]
    task_ids = [steps.dispatch(report.id, unit)["id"] for unit in units]
    turns = iter(zip(task_ids, units, strict=True))
    lock = threading.Lock()

    def take_next() -> httpx.Response:
        with lock:
            task_id, unit = next(turns)
        return steps.post(f"/tasks/{task_id}/accept", unit)

    responses = _race(take_next, racers=2)

    assert _status_counts(responses) == {200: 2}
    assert steps.report(report.id)["status"] == "in_progress"


def test_approve_and_rework_at_once_exactly_one_applies(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.to_resolved(report.id, people.property_unit)
    bodies = iter([{"approved": True}, {"approved": False, "note": "未清理干净"}])
    lock = threading.Lock()

    def verify() -> httpx.Response:
        with lock:
            body = next(bodies)
        return steps.post(f"/reports/{report.id}/verify", people.coordinator, json=body)

    responses = _race(verify, racers=2)

    assert _status_counts(responses) == {200: 1, 409: 1}
    winner = next(r for r in responses if r.status_code == 200).json()
    assert steps.report(report.id)["status"] == winner["status"]


def test_a_step_on_a_report_changed_since_it_was_read_is_stale_state(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.reject(report.id)

    def read_before_the_rejection(target: Report, _context: object) -> None:
        if target.id == report.id:
            set_committed_value(target, "status", ReportStatus.SUBMITTED)

    # The next request reads the report as it was before the rejection, as a coordinator who
    # opened it a moment earlier would; its conditional update then finds the row moved on.
    event.listen(Report, "load", read_before_the_rejection)
    try:
        again = steps.post(
            f"/reports/{report.id}/reject", people.coordinator, json={"reason": "非网格事项"}
        )
    finally:
        event.remove(Report, "load", read_before_the_rejection)

    assert_problem(again, 409, slug="stale-state")
    assert steps.report(report.id)["status"] == "rejected"
