from itertools import product

import pytest

from app.cases.states import (
    TASK_MACHINE,
    TASK_TRANSITIONS,
    TERMINAL_TASK_STATUSES,
    TaskStatus,
)
from app.core.transitions import IllegalTransition
from app.reports.states import (
    CLOSED_REPORT_STATUSES,
    MERGE_TARGET_STATUSES,
    OPEN_REPORT_STATUSES,
    REPORT_MACHINE,
    REPORT_TRANSITIONS,
    TERMINAL_REPORT_STATUSES,
    ReportStatus,
)

R = ReportStatus
T = TaskStatus

LEGAL_REPORT_EDGES = {
    (R.SUBMITTED, R.ACCEPTED),
    (R.SUBMITTED, R.REJECTED),
    (R.SUBMITTED, R.DUPLICATE),
    (R.ACCEPTED, R.DISPATCHED),
    (R.ACCEPTED, R.DUPLICATE),
    (R.DISPATCHED, R.IN_PROGRESS),
    (R.DISPATCHED, R.ACCEPTED),
    (R.IN_PROGRESS, R.RESOLVED),
    (R.IN_PROGRESS, R.ACCEPTED),
    (R.RESOLVED, R.CLOSED),
    (R.RESOLVED, R.DISPATCHED),
    (R.CLOSED, R.ACCEPTED),
}
ILLEGAL_REPORT_EDGES = set(product(R, R)) - LEGAL_REPORT_EDGES

LEGAL_TASK_EDGES = {
    (T.OPEN, T.IN_PROGRESS),
    (T.OPEN, T.RETURNED),
    (T.IN_PROGRESS, T.COMPLETED),
    (T.IN_PROGRESS, T.RETURNED),
    (T.COMPLETED, T.OPEN),
}
ILLEGAL_TASK_EDGES = set(product(T, T)) - LEGAL_TASK_EDGES


def test_report_statuses_are_exactly_the_contract_values() -> None:
    assert [s.value for s in R] == [
        "submitted",
        "accepted",
        "rejected",
        "duplicate",
        "dispatched",
        "in_progress",
        "resolved",
        "closed",
    ]


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL_REPORT_EDGES))
def test_legal_report_transition_passes(current: R, target: R) -> None:
    REPORT_MACHINE.check(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(ILLEGAL_REPORT_EDGES))
def test_illegal_report_transition_raises_with_both_statuses(current: R, target: R) -> None:
    with pytest.raises(IllegalTransition) as raised:
        REPORT_MACHINE.check(current, target)
    assert (raised.value.entity, raised.value.current, raised.value.target) == (
        "report",
        current,
        target,
    )
    assert f"{current.value} cannot become {target.value}" in str(raised.value)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL_TASK_EDGES))
def test_legal_task_transition_passes(current: T, target: T) -> None:
    TASK_MACHINE.check(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(ILLEGAL_TASK_EDGES))
def test_illegal_task_transition_raises_with_both_statuses(current: T, target: T) -> None:
    with pytest.raises(IllegalTransition) as raised:
        TASK_MACHINE.check(current, target)
    assert (raised.value.entity, raised.value.current, raised.value.target) == (
        "task",
        current,
        target,
    )


def test_every_status_has_a_row_in_its_transition_table() -> None:
    assert set(REPORT_TRANSITIONS) == set(R)
    assert set(TASK_TRANSITIONS) == set(T)


def test_no_status_transitions_to_itself() -> None:
    assert all(s not in REPORT_TRANSITIONS[s] for s in R)
    assert all(s not in TASK_TRANSITIONS[s] for s in T)


def test_terminal_statuses_are_exactly_those_without_outgoing_edges() -> None:
    assert {s for s in R if not REPORT_TRANSITIONS[s]} == TERMINAL_REPORT_STATUSES
    assert {s for s in T if not TASK_TRANSITIONS[s]} == TERMINAL_TASK_STATUSES


def test_every_report_status_is_reachable_from_submitted() -> None:
    reached = {R.SUBMITTED}
    frontier = [R.SUBMITTED]
    while frontier:
        for target in REPORT_TRANSITIONS[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(R)


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (R.SUBMITTED, True),
        (R.ACCEPTED, True),
        (R.DISPATCHED, True),
        (R.IN_PROGRESS, True),
        (R.RESOLVED, True),
        (R.CLOSED, False),
        (R.REJECTED, False),
        (R.DUPLICATE, False),
    ],
)
def test_open_and_closed_statuses_split_every_status(status: R, is_open: bool) -> None:
    assert (status in OPEN_REPORT_STATUSES) is is_open
    assert (status in CLOSED_REPORT_STATUSES) is not is_open


def test_only_accepted_unclosed_cases_can_take_a_merged_report() -> None:
    assert {R.ACCEPTED, R.DISPATCHED, R.IN_PROGRESS, R.RESOLVED} == MERGE_TARGET_STATUSES


def test_transition_tables_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        REPORT_TRANSITIONS[R.CLOSED] = frozenset(R)  # type: ignore[index]
