"""New reports pushed live to coordinators' consoles as server-sent events.

Every stream of a process is fed by the process's one report feed (app/reports/live_feed.py),
which polls the database twice a second (or on NOTIFY), so a report saved by any process reaches
every console and the number of open consoles does not multiply the queries.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Query
from fastapi.sse import ServerSentEvent
from sqlmodel import Session

from app.accounts.deps import active_account_of_token, oauth2_scheme
from app.accounts.models import Account
from app.accounts.scope import Scope, scope_of
from app.core.db import session_scope
from app.core.deps import RuntimeDep
from app.core.live_feed import LiveFeed, Subscription
from app.core.metrics import OPEN_STREAMS
from app.core.runtime import Runtime
from app.photos.urls import photo_url_signer
from app.reports import reading
from app.reports.access import URGENT_FOLLOWERS
from app.reports.caller_phones import CallerView
from app.reports.live_feed import report_feed
from app.reports.models import Report
from app.reports.schemas import ReportPublic
from app.reports.stream_slots import StreamSlots

RECONNECT_AFTER_MS = 3_000
URGENT_REPORT_EVENT = "urgent_report"
NEW_REPORT_EVENT = "new_report"
READY_EVENT = "ready"
LIVE_FEED_CACHE = "live_feed"


@dataclass(frozen=True)
class StreamViewer:
    account: Account
    scope: Scope


def stream_viewer(
    runtime: RuntimeDep,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    access_token: Annotated[
        str | None,
        Query(description="the bearer token, for EventSource, which cannot send headers"),
    ] = None,
) -> StreamViewer:
    """The coordinator or admin opening a stream (bearer header or ?access_token=)."""
    # A short session of its own: the stream stays open for hours and must not hold one.
    with session_scope(runtime.engine, write=False) as session:
        account = active_account_of_token(session, runtime.settings, bearer or access_token)
        URGENT_FOLLOWERS.check(account.role)
        return StreamViewer(account, scope_of(session, account))


def held_stream_viewer(
    viewer: Annotated[StreamViewer, Depends(stream_viewer)], runtime: RuntimeDep
) -> Iterator[StreamViewer]:
    """The viewer, holding one of their account's stream slots until the stream ends."""
    slots = runtime.caches.setdefault(
        "stream_slots", StreamSlots(runtime.settings.max_streams_per_account)
    )
    assert viewer.account.id is not None
    with slots.hold(viewer.account.id), OPEN_STREAMS.track_inprogress():
        yield viewer


def live_feed_of(runtime: Runtime) -> LiveFeed[Report]:
    """The process's live feed (app/reports/live_feed.py), made on first use."""
    feed = runtime.caches.get(LIVE_FEED_CACHE)
    if feed is None:
        photo_urls = photo_url_signer(runtime.settings.secret_key)

        def present(session: Session, reports: Sequence[Report]) -> list[ReportPublic]:
            return reading.present_reports(
                session, reports, photo_url=photo_urls, callers=CallerView.MASKED
            )

        feed = runtime.caches.setdefault(LIVE_FEED_CACHE, report_feed(runtime.engine, present))
    assert isinstance(feed, LiveFeed)
    return feed


def report_event(report: ReportPublic) -> ServerSentEvent:
    """A new report as an event: `urgent_report` or `new_report`."""
    return ServerSentEvent(
        event=URGENT_REPORT_EVENT if report.urgent else NEW_REPORT_EVENT,
        id=str(report.id),
        data=report.model_dump(mode="json"),
    )


def ready_event() -> ServerSentEvent:
    """The first event of a stream: its starting line is drawn."""
    return ServerSentEvent(event=READY_EVENT, data={}, retry=RECONNECT_AFTER_MS)


async def report_events(feed: LiveFeed[Report], scope: Scope) -> AsyncIterator[ServerSentEvent]:
    """`ready` once the starting line is drawn, then one event per new report the scope sees:
    `urgent_report` or `new_report`.

    Clients count the stream as live at `ready`, not at the HTTP response: the headers go out
    before the starting line is drawn, and a report committed in between would be missed.
    """
    subscription = Subscription(asyncio.get_running_loop())
    await anyio.to_thread.run_sync(feed.join, subscription, scope.covers)
    try:
        yield ready_event()
        while (report := await subscription.next_item()) is not None:
            yield report_event(report)
    finally:
        feed.leave(subscription)
