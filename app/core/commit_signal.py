"""In-process signals fired by commits: a commit that wrote work for a background worker wakes
that worker in this process at once, instead of at its next poll (other processes still find
the work by polling)."""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_signals: list["CommitSignal"] = []


class CommitSignal:
    """Fires its listeners after each commit of a transaction that `note`d it."""

    def __init__(self, name: str) -> None:
        self._key = f"tantou_commit_signal:{name}"
        self._listeners: set[Callable[[], None]] = set()
        _signals.append(self)

    def note(self, session: Session) -> None:
        """Mark the session's transaction as one that wrote work."""
        session.info[self._key] = True

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` (from any thread) after each commit that wrote work; returns the
        function that removes it."""
        self._listeners.add(listener)
        return lambda: self._listeners.discard(listener)

    def _committed(self, session: Session) -> None:
        if session.info.pop(self._key, False):
            for listener in list(self._listeners):
                listener()

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(self._key, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for signal in _signals:
        signal._committed(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    for signal in _signals:
        signal._rolled_back(session)
