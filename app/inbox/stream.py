"""The console's one live stream: new reports in the caller's areas and new notifications in
their inbox, each from its process-wide feed (app/core/live_feed.py)."""

import asyncio
from collections.abc import AsyncIterator

import anyio.to_thread
from fastapi.sse import ServerSentEvent

from app.core.live_feed import LiveFeed, Subscription
from app.core.runtime import Runtime
from app.notifications.live import notification_feed
from app.notifications.models import Notification
from app.notifications.schemas import NotificationPublic
from app.reports.models import Report
from app.reports.schemas import ReportPublic
from app.reports.stream import StreamViewer, ready_event, report_event

NOTIFICATION_EVENT = "notification"
NOTIFICATION_FEED_CACHE = "notification_feed"


def notification_feed_of(runtime: Runtime) -> LiveFeed[Notification]:
    """The process's feed of new notifications, made on first use."""
    feed = runtime.caches.get(NOTIFICATION_FEED_CACHE)
    if feed is None:
        feed = runtime.caches.setdefault(NOTIFICATION_FEED_CACHE, notification_feed(runtime.engine))
    assert isinstance(feed, LiveFeed)
    return feed


async def inbox_events(
    reports: LiveFeed[Report], notifications: LiveFeed[Notification], viewer: StreamViewer
) -> AsyncIterator[ServerSentEvent]:
    """`ready` once both starting lines are drawn, then `new_report` / `urgent_report` for each
    new report the viewer's scope covers and `notification` for each notification put in their
    inbox, in the order they were found.

    A client reads its counts (GET /me/inbox) after `ready`: whatever is committed later comes
    as an event, so nothing falls between the count and the stream.
    """
    account_id = viewer.account.id
    subscription = Subscription(asyncio.get_running_loop())
    await anyio.to_thread.run_sync(reports.join, subscription, viewer.scope.covers)
    await anyio.to_thread.run_sync(
        notifications.join, subscription, lambda recipient: recipient == account_id
    )
    try:
        yield ready_event()
        while (item := await subscription.next_item()) is not None:
            if isinstance(item, ReportPublic):
                yield report_event(item)
            else:
                assert isinstance(item, NotificationPublic)
                yield ServerSentEvent(event=NOTIFICATION_EVENT, data=item.model_dump(mode="json"))
    finally:
        reports.leave(subscription)
        notifications.leave(subscription)
