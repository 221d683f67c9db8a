"""The report (case) state machine: statuses, the transition table and REPORT_MACHINE.

Pure data; `app.core.transitions.transition` moves a row along `REPORT_MACHINE` and turns an
illegal edge into a 409 (tasks: `TASK_MACHINE` in `app.cases.states`).
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from app.core.transitions import StateMachine


class ReportStatus(StrEnum):
    """Where a report stands; once accepted it is a case."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


REPORT_TRANSITIONS: Mapping[ReportStatus, frozenset[ReportStatus]] = MappingProxyType(
    {
        ReportStatus.SUBMITTED: frozenset(
            {ReportStatus.ACCEPTED, ReportStatus.REJECTED, ReportStatus.DUPLICATE}
        ),
        # accepted -> duplicate: a coordinator who accepted two reports of one problem before
        # noticing may still merge one into the other, as long as no unit holds a task on it.
        ReportStatus.ACCEPTED: frozenset({ReportStatus.DISPATCHED, ReportStatus.DUPLICATE}),
        # dispatched/in_progress -> accepted: every task of the case was returned, so it goes back
        # to the coordinator's "to dispatch" queue. Adding a second task is not a transition.
        ReportStatus.DISPATCHED: frozenset({ReportStatus.IN_PROGRESS, ReportStatus.ACCEPTED}),
        ReportStatus.IN_PROGRESS: frozenset({ReportStatus.RESOLVED, ReportStatus.ACCEPTED}),
        # resolved -> dispatched: rework; the task is reopened and the unit accepts it again.
        ReportStatus.RESOLVED: frozenset({ReportStatus.CLOSED, ReportStatus.DISPATCHED}),
        # closed -> accepted: the reporter says it is not fixed (within 7 days of closing).
        ReportStatus.CLOSED: frozenset({ReportStatus.ACCEPTED}),
        ReportStatus.REJECTED: frozenset(),
        ReportStatus.DUPLICATE: frozenset(),
    }
)

TERMINAL_REPORT_STATUSES: frozenset[ReportStatus] = frozenset(
    {ReportStatus.REJECTED, ReportStatus.DUPLICATE}
)
# Closed is not terminal (it can be reopened) but, like rejected and duplicate, needs no work:
# Open311 reports these three as `closed`.
CLOSED_REPORT_STATUSES: frozenset[ReportStatus] = TERMINAL_REPORT_STATUSES | {ReportStatus.CLOSED}
OPEN_REPORT_STATUSES: frozenset[ReportStatus] = frozenset(ReportStatus) - CLOSED_REPORT_STATUSES
# A report can be merged only into a case: accepted and not yet closed.
MERGE_TARGET_STATUSES: frozenset[ReportStatus] = OPEN_REPORT_STATUSES - {ReportStatus.SUBMITTED}

REPORT_MACHINE = StateMachine(
    "report",
    REPORT_TRANSITIONS,
    entered_at={
        ReportStatus.ACCEPTED: "accepted_at",
        ReportStatus.DISPATCHED: "dispatched_at",
        ReportStatus.RESOLVED: "resolved_at",
        ReportStatus.CLOSED: "closed_at",
    },
)
