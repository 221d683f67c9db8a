"""An in-process signal: a commit that wrote deliveries wakes this process's delivery worker at
once, instead of at its next poll (other processes still find them by polling)."""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_WROTE_DELIVERIES = "tantou_webhook_deliveries_written"
_listeners: set[Callable[[], None]] = set()


def note_deliveries_written(session: Session) -> None:
    """Mark the session's transaction as one that wrote deliveries."""
    session.info[_WROTE_DELIVERIES] = True


def add_listener(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` (from any thread) after each commit that wrote deliveries; returns the
    function that removes it."""
    _listeners.add(listener)
    return lambda: _listeners.discard(listener)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_WROTE_DELIVERIES, False):
        for listener in list(_listeners):
            listener()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE_DELIVERIES, None)
