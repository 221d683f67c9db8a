"""Urgent reports pushed live to coordinators' consoles as server-sent events.

Each open stream polls the database twice a second, so a report saved by any worker process
reaches every console; the queries run in a worker thread and never block the event loop.
"""

import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Query
from fastapi.sse import ServerSentEvent
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.accounts.deps import active_account_of_token, oauth2_scheme
from app.accounts.models import Account
from app.accounts.scope import Scope, scope_of
from app.core.db import session_scope
from app.core.deps import RuntimeDep
from app.core.metrics import OPEN_STREAMS
from app.reports.access import URGENT_FOLLOWERS, visible_reports
from app.reports.models import Report
from app.reports.schemas import ReportPublic
from app.reports.stream_slots import StreamSlots

POLL_INTERVAL_S = 0.5
# A report's id is taken when it is inserted but it becomes visible at commit, so on PostgreSQL
# a lower id can appear after a higher one. Ids are only written off this long after they
# were the newest seen; a transaction open longer than this may go unannounced.
COMMIT_GRACE_S = 30.0
RECONNECT_AFTER_MS = 3_000
URGENT_REPORT_EVENT = "urgent_report"
READY_EVENT = "ready"

Presenter = Callable[[Session, Sequence[Report]], list[ReportPublic]]


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


class UrgentReportFeed:
    """The urgent reports one scope may see that were committed since the feed started."""

    def __init__(self, engine: Engine, scope: Scope, present: Presenter) -> None:
        self._engine = engine
        self._visible = visible_reports(scope)
        self._present = present
        # Every id up to the low-water mark was announced or predates the feed.
        self._low_water_id = 0
        self._newest_seen: deque[tuple[float, int]] = deque()
        self._announced: set[int] = set()

    def start(self) -> None:
        """Draw the starting line: reports that exist now are not announced."""
        with session_scope(self._engine, write=False) as session:
            self._low_water_id = _newest_id(session)

    def poll(self) -> list[ReportPublic]:
        """The urgent reports that appeared since the last poll, oldest first."""
        polled_at = time.monotonic()
        with session_scope(self._engine, write=False) as session:
            newest_id = _newest_id(session)
            candidates = session.exec(
                select(Report)
                .where(col(Report.id) > self._low_water_id, col(Report.urgent), self._visible)
                .order_by(col(Report.id))
            ).all()
            fresh = [report for report in candidates if report.id not in self._announced]
            announcements = self._present(session, fresh)
        self._announced.update(report.id for report in fresh if report.id is not None)
        self._raise_low_water(polled_at, newest_id)
        return announcements

    def _raise_low_water(self, polled_at: float, newest_id: int) -> None:
        self._newest_seen.append((polled_at, newest_id))
        while self._newest_seen and self._newest_seen[0][0] <= polled_at - COMMIT_GRACE_S:
            _, self._low_water_id = self._newest_seen.popleft()
        self._announced = {i for i in self._announced if i > self._low_water_id}


def _newest_id(session: Session) -> int:
    return session.exec(select(func.max(Report.id))).one() or 0


async def urgent_report_events(feed: UrgentReportFeed) -> AsyncIterator[ServerSentEvent]:
    """`ready` once the starting line is drawn, then one event per urgent report.

    Clients count the stream as live at `ready`, not at the HTTP response: the headers go out
    before the starting line is drawn, and a report committed in between would be missed.
    """
    await anyio.to_thread.run_sync(feed.start)
    yield ServerSentEvent(event=READY_EVENT, data={}, retry=RECONNECT_AFTER_MS)
    while True:
        for report in await anyio.to_thread.run_sync(feed.poll):
            yield ServerSentEvent(
                event=URGENT_REPORT_EVENT, id=str(report.id), data=report.model_dump(mode="json")
            )
        await anyio.sleep(POLL_INTERVAL_S)
