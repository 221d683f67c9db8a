"""State machines: each aggregate declares its table, and one function moves any of them.

A move checks the edge, changes the row only if nobody moved it first, and stamps the time the
new status was entered; what the move means (timeline entries, events) stays with the caller.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlmodel import Session, SQLModel

from app.core import clock
from app.core.conditional import update_or_conflict
from app.core.errors import StaleState, TransitionNotAllowed
from app.core.messages import Message
from app.core.status_words import StatusKind, status_words

S = TypeVar("S", bound=StrEnum)
ENTITY_WORDS: dict[StatusKind, Message] = {
    "report": Message("core.entity-report"),
    "task": Message("core.entity-task"),
}


class IllegalTransition(Exception):
    """A status change that the state machine does not allow from the current status."""

    def __init__(self, entity: StatusKind, current: StrEnum, target: StrEnum) -> None:
        self.entity = entity
        self.current = current
        self.target = target
        super().__init__(f"a {entity} that is {current.value} cannot become {target.value}")


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """The statuses one kind of row may move between, and the columns that time the moves."""

    entity: StatusKind
    edges: Mapping[S, frozenset[S]]
    # The timestamp column each status sets when a row enters it.
    entered_at: Mapping[S, str] = field(default_factory=dict)

    def check(self, current: S, target: S) -> None:
        """Raise IllegalTransition unless a row may move from current to target."""
        if target not in self.edges[current]:
            raise IllegalTransition(self.entity, current, target)

    def require(self, current: S, target: S) -> None:
        """409 unless a row may move from current to target."""
        try:
            self.check(current, target)
        except IllegalTransition:
            raise TransitionNotAllowed(
                Message(
                    "core.illegal-transition",
                    entity=ENTITY_WORDS[self.entity],
                    current=status_words(self.entity, current),
                    target=status_words(self.entity, target),
                )
            ) from None


def transition(
    session: Session, machine: StateMachine[S], row: SQLModel, target: S, **changes: Any
) -> S:
    """Move `row` (which has `status` and `updated_at`) to `target` with `changes`, and return
    the status it left. 409 if the edge is illegal or someone else moved the row first."""
    current: S = row.status  # type: ignore[attr-defined]
    machine.require(current, target)
    now = clock.utcnow()
    values: dict[str, Any] = {"status": target, "updated_at": now, **changes}
    if column := machine.entered_at.get(target):
        values[column] = now
    update_or_conflict(
        session,
        type(row),
        row,
        expected={"status": current},
        values=values,
        conflict=lambda: StaleState(
            Message("core.stale-state", entity=ENTITY_WORDS[machine.entity])
        ),
    )
    return current
