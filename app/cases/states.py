"""The task state machine: a task's statuses and the transition table.

Pure data; `app.core.transitions.transition` moves a task along `TASK_MACHINE` and turns an
illegal edge into a 409.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from app.core.transitions import StateMachine


class TaskStatus(StrEnum):
    """Where one unit's task on a case stands."""

    OPEN = "open"  # dispatched to the unit, not yet accepted by it
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"  # handed back to the coordinator, who dispatches a new task
    COMPLETED = "completed"  # the unit submitted its result with "after" photos


TASK_TRANSITIONS: Mapping[TaskStatus, frozenset[TaskStatus]] = MappingProxyType(
    {
        TaskStatus.OPEN: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.RETURNED}),
        # A unit may find only after starting that the problem is not theirs to fix.
        TaskStatus.IN_PROGRESS: frozenset({TaskStatus.COMPLETED, TaskStatus.RETURNED}),
        # completed -> open: rework reopens the task; the unit accepts it again, which is what
        # moves its case from dispatched back to in_progress.
        TaskStatus.COMPLETED: frozenset({TaskStatus.OPEN}),
        TaskStatus.RETURNED: frozenset(),
    }
)

TERMINAL_TASK_STATUSES: frozenset[TaskStatus] = frozenset({TaskStatus.RETURNED})
# Tasks a unit still has to act on; only these can be overdue.
ACTIVE_TASK_STATUSES: frozenset[TaskStatus] = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})

TASK_MACHINE = StateMachine(
    "task",
    TASK_TRANSITIONS,
    entered_at={
        TaskStatus.IN_PROGRESS: "accepted_at",
        TaskStatus.COMPLETED: "completed_at",
        TaskStatus.RETURNED: "returned_at",
    },
)
