"""In-process domain events: a domain announces what happened, others react in the same
transaction (notifications, points, webhooks) without the announcer importing them."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

EventT = TypeVar("EventT")
Handler = Callable[[Session, Any], None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(
    event_type: type[EventT],
) -> Callable[[Callable[[Session, EventT], None]], Callable[[Session, EventT], None]]:
    """Register the decorated function to run whenever `event_type` is published."""

    def register(handler: Callable[[Session, EventT], None]) -> Callable[[Session, EventT], None]:
        _handlers[event_type].append(handler)
        return handler

    return register


def publish(session: Session, event: object) -> None:
    """Run every handler of the event's type now, inside the caller's transaction."""
    for handler in _handlers[type(event)]:
        handler(session, event)
