"""Every edge of the report and task state machines, legal and illegal, through the API."""

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session

from app.cases.states import TASK_TRANSITIONS, TaskStatus
from app.reports.states import REPORT_TRANSITIONS, ReportStatus
from tests.cases.factories import Steps, after_photo
from tests.factories import assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.fixtures.reports import make_report


@dataclass
class Case:
    """A report driven to some status, with the open case it may be merged into."""

    report_id: int
    task_id: int | None
    merge_target_id: int


# How far the work on a case has gone: dispatched, taken, completed, approved.
_WORK_STAGES = {
    ReportStatus.DISPATCHED: 1,
    ReportStatus.IN_PROGRESS: 2,
    ReportStatus.RESOLVED: 3,
    ReportStatus.CLOSED: 4,
}


def _drive(session: Session, people: People, steps: Steps, status: ReportStatus) -> Case:
    """A report in `status`, reached through the API the way the workflow reaches it."""
    target = make_report(session, people.other_rider.id, description="同一堆垃圾")
    steps.accept(target.id)
    report = make_report(session, people.rider.id)
    assert report.id is not None
    task_id = None
    unit = people.property_unit
    if status is ReportStatus.REJECTED:
        steps.reject(report.id)
    elif status is ReportStatus.DUPLICATE:
        steps.merge(report.id, target.id)
    elif status is not ReportStatus.SUBMITTED:
        steps.accept(report.id)
    reached = _WORK_STAGES.get(status, 0)
    if reached >= 1:
        task_id = steps.dispatch(report.id, unit)["id"]
    if reached >= 2:
        steps.take(task_id, unit)  # type: ignore[arg-type]
    if reached >= 3:
        steps.complete(task_id, unit)  # type: ignore[arg-type]
    if reached >= 4:
        steps.approve(report.id)
    assert steps.report(report.id)["status"] == status
    return Case(report.id, task_id, target.id)


Action = Callable[[Steps, Case], httpx.Response]


def _accept(steps: Steps, case: Case) -> httpx.Response:
    return steps.post(f"/reports/{case.report_id}/accept", steps.people.coordinator, json={})


def _reject(steps: Steps, case: Case) -> httpx.Response:
    body = {"reason": "非网格事项"}
    return steps.post(f"/reports/{case.report_id}/reject", steps.people.coordinator, json=body)


def _merge(steps: Steps, case: Case) -> httpx.Response:
    body = {"into": case.merge_target_id}
    return steps.post(f"/reports/{case.report_id}/merge", steps.people.coordinator, json=body)


def _dispatch(steps: Steps, case: Case) -> httpx.Response:
    body = {"unit_code": unit_code_of(steps.people.law_unit)}
    return steps.post(f"/reports/{case.report_id}/tasks", steps.people.coordinator, json=body)


def _approve(steps: Steps, case: Case) -> httpx.Response:
    body = {"approved": True}
    return steps.post(f"/reports/{case.report_id}/verify", steps.people.coordinator, json=body)


def _rework(steps: Steps, case: Case) -> httpx.Response:
    body = {"approved": False, "note": "未清理干净"}
    return steps.post(f"/reports/{case.report_id}/verify", steps.people.coordinator, json=body)


def _reopen(steps: Steps, case: Case) -> httpx.Response:
    body = {"reason": "垃圾又堆起来了"}
    return steps.post(f"/reports/{case.report_id}/reopen", steps.people.rider, json=body)


REPORT_ACTIONS: dict[str, Action] = {
    "accept": _accept,
    "reject": _reject,
    "merge": _merge,
    "dispatch": _dispatch,
    "approve": _approve,
    "rework": _rework,
    "reopen": _reopen,
}

# (status before, action, HTTP status, status after): every legal step on a case.
LEGAL_REPORT_STEPS = [
    (ReportStatus.SUBMITTED, "accept", 200, ReportStatus.ACCEPTED),
    (ReportStatus.SUBMITTED, "reject", 200, ReportStatus.REJECTED),
    (ReportStatus.SUBMITTED, "merge", 200, ReportStatus.DUPLICATE),
    (ReportStatus.ACCEPTED, "merge", 200, ReportStatus.DUPLICATE),
    (ReportStatus.ACCEPTED, "dispatch", 201, ReportStatus.DISPATCHED),
    # A second unit joins a case already being handled: its status stays.
    (ReportStatus.DISPATCHED, "dispatch", 201, ReportStatus.DISPATCHED),
    (ReportStatus.IN_PROGRESS, "dispatch", 201, ReportStatus.IN_PROGRESS),
    (ReportStatus.RESOLVED, "approve", 200, ReportStatus.CLOSED),
    (ReportStatus.RESOLVED, "rework", 200, ReportStatus.DISPATCHED),
    (ReportStatus.CLOSED, "reopen", 200, ReportStatus.ACCEPTED),
]

# (task status before, action, HTTP status, task status after, case status after).
LEGAL_TASK_STEPS = [
    (TaskStatus.OPEN, "accept", 200, TaskStatus.IN_PROGRESS, ReportStatus.IN_PROGRESS),
    (TaskStatus.OPEN, "return", 200, TaskStatus.RETURNED, ReportStatus.ACCEPTED),
    (TaskStatus.IN_PROGRESS, "return", 200, TaskStatus.RETURNED, ReportStatus.ACCEPTED),
    (TaskStatus.IN_PROGRESS, "complete", 200, TaskStatus.COMPLETED, ReportStatus.RESOLVED),
]
TASK_ACTIONS = ("accept", "return", "complete")


def test_the_legal_steps_cover_every_edge_of_both_state_machines() -> None:
    report_edges = {
        (before, after) for before, _, _, after in LEGAL_REPORT_STEPS if before != after
    }
    report_edges |= {(ReportStatus.DISPATCHED, ReportStatus.IN_PROGRESS)}  # a unit accepts
    report_edges |= {(ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED)}  # the last task completed
    report_edges |= {(ReportStatus.DISPATCHED, ReportStatus.ACCEPTED)}  # the only task returned
    report_edges |= {(ReportStatus.IN_PROGRESS, ReportStatus.ACCEPTED)}
    assert report_edges == {
        (before, after) for before, targets in REPORT_TRANSITIONS.items() for after in targets
    }
    task_edges = {(before, after) for before, _, _, after, _ in LEGAL_TASK_STEPS}
    task_edges |= {(TaskStatus.COMPLETED, TaskStatus.OPEN)}  # rework, in the report steps
    assert task_edges == {
        (before, after) for before, targets in TASK_TRANSITIONS.items() for after in targets
    }


@pytest.mark.parametrize(
    ("before", "action", "http_status", "after"),
    LEGAL_REPORT_STEPS,
    ids=[f"{before}-{action}" for before, action, _, _ in LEGAL_REPORT_STEPS],
)
def test_legal_step_on_a_case_moves_it(
    session: Session,
    people: People,
    steps: Steps,
    before: ReportStatus,
    action: str,
    http_status: int,
    after: ReportStatus,
) -> None:
    case = _drive(session, people, steps, before)
    response = REPORT_ACTIONS[action](steps, case)
    assert response.status_code == http_status, response.text
    assert steps.report(case.report_id)["status"] == after


@pytest.mark.parametrize("before", list(ReportStatus))
def test_illegal_steps_on_a_case_are_409_transition_not_allowed_and_change_nothing(
    session: Session, people: People, steps: Steps, before: ReportStatus
) -> None:
    case = _drive(session, people, steps, before)
    legal = {action for status, action, _, _ in LEGAL_REPORT_STEPS if status is before}
    events_before = steps.get(f"/reports/{case.report_id}/events", people.coordinator).json()
    for action in sorted(set(REPORT_ACTIONS) - legal):
        response = REPORT_ACTIONS[action](steps, case)
        assert_problem(response, 409, slug="transition-not-allowed")
    assert steps.report(case.report_id)["status"] == before
    events_after = steps.get(f"/reports/{case.report_id}/events", people.coordinator).json()
    assert events_after == events_before


def _task_in(session: Session, people: People, steps: Steps, status: TaskStatus) -> Case:
    case = _drive(session, people, steps, ReportStatus.DISPATCHED)
    assert case.task_id is not None
    unit = people.property_unit
    if status in (TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED):
        steps.take(case.task_id, unit)
    if status is TaskStatus.COMPLETED:
        steps.complete(case.task_id, unit)
    if status is TaskStatus.RETURNED:
        steps.hand_back(case.task_id, unit)
    return case


def _task_action(steps: Steps, case: Case, action: str) -> httpx.Response:
    unit = steps.people.property_unit
    path = f"/tasks/{case.task_id}/{action}"
    if action == "return":
        return steps.post(path, unit, json={"reason": "不属于本单位职责"})
    if action == "complete":
        return steps.post(path, unit, data={"note": "已处理"}, files=[after_photo()])
    return steps.post(path, unit)


@pytest.mark.parametrize(
    ("before", "action", "http_status", "after", "case_after"),
    LEGAL_TASK_STEPS,
    ids=[f"{before}-{action}" for before, action, *_ in LEGAL_TASK_STEPS],
)
def test_legal_step_on_a_task_moves_it_and_its_case(
    session: Session,
    people: People,
    steps: Steps,
    before: TaskStatus,
    action: str,
    http_status: int,
    after: TaskStatus,
    case_after: ReportStatus,
) -> None:
    case = _task_in(session, people, steps, before)
    response = _task_action(steps, case, action)
    assert response.status_code == http_status, response.text
    assert response.json()["status"] == after
    assert steps.report(case.report_id)["status"] == case_after


@pytest.mark.parametrize("before", list(TaskStatus))
def test_illegal_steps_on_a_task_are_409_transition_not_allowed_and_change_nothing(
    session: Session, people: People, steps: Steps, before: TaskStatus
) -> None:
    case = _task_in(session, people, steps, before)
    case_status = steps.report(case.report_id)["status"]
    legal = {action for status, action, *_ in LEGAL_TASK_STEPS if status is before}
    for action in sorted(set(TASK_ACTIONS) - legal):
        assert_problem(_task_action(steps, case, action), 409, slug="transition-not-allowed")
    task = steps.get(f"/tasks/{case.task_id}", people.coordinator).json()
    assert task["status"] == before
    assert steps.report(case.report_id)["status"] == case_status


def test_rework_reopens_the_completed_task_and_counts_it(
    session: Session, people: People, steps: Steps
) -> None:
    case = _drive(session, people, steps, ReportStatus.RESOLVED)
    report = steps.rework(case.report_id)
    assert report["status"] == ReportStatus.DISPATCHED
    task = steps.get(f"/tasks/{case.task_id}", people.property_unit).json()
    assert (task["status"], task["rework_count"]) == (TaskStatus.OPEN, 1)
    steps.take(case.task_id, people.property_unit)  # type: ignore[arg-type]
    assert steps.report(case.report_id)["status"] == ReportStatus.IN_PROGRESS
