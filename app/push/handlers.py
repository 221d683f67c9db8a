"""New notifications wake the push worker, which hands them to the delivery channels."""

from sqlmodel import Session

from app.core.events import subscribe
from app.notifications.events import NotificationsAdded
from app.push import wake


@subscribe(NotificationsAdded)
def wake_the_dispatch(session: Session, event: NotificationsAdded) -> None:
    """After this transaction commits, the worker dispatches them (app/push/dispatch.py)."""
    wake.notifications_added.note(session)
