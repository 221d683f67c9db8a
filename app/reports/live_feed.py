"""The live feed of new reports: one poller per process, whatever the number of open streams.

A thread polls the database twice a second for reports committed since its last look, presents
each once, and hands it to every subscribed stream whose scope covers it. So a report saved by
any process reaches every console, and a thousand open consoles cost one query a poll, not a
thousand. The thread runs while a stream is subscribed and stops with the last one.
"""

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.db import session_scope
from app.reports.models import Report
from app.reports.schemas import ReportPublic

log = logging.getLogger("tantou.live_feed")
POLL_INTERVAL_S = 0.5
# A report's id is taken when it is inserted but it becomes visible at commit, so on PostgreSQL
# a lower id can appear after a higher one. Ids are only written off this long after they
# were the newest seen; a transaction open longer than this may go unannounced.
COMMIT_GRACE_S = 30.0
# A stream this far behind (its client not reading) is ended; its console reconnects and
# reloads the list.
MAX_BACKLOG = 500

Presenter = Callable[[Session, Sequence[Report]], list[ReportPublic]]


class Subscription:
    """One stream's share of the feed: the reports its scope covers, committed after it joined."""

    def __init__(self, scope: Scope, after_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.scope = scope
        self.after_id = after_id
        self._loop = loop
        self._reports: asyncio.Queue[ReportPublic | None] = asyncio.Queue()

    async def next_report(self) -> ReportPublic | None:
        """The next report for this stream; None once it fell too far behind to go on."""
        return await self._reports.get()

    def offer(self, report: ReportPublic) -> bool:
        """Hand a report over from the poller's thread; False if the stream's loop is gone."""
        try:
            self._loop.call_soon_threadsafe(self._put, report)
        except RuntimeError:  # the event loop was closed: its stream is over
            return False
        return True

    def _put(self, report: ReportPublic) -> None:
        if self._reports.qsize() >= MAX_BACKLOG:
            self._reports.put_nowait(None)
        else:
            self._reports.put_nowait(report)


class LiveFeed:
    """The process's feed of new reports to the streams subscribed to it."""

    def __init__(self, engine: Engine, present: Presenter) -> None:
        self._engine = engine
        self._present = present
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._thread: threading.Thread | None = None
        # Every id up to the low-water mark was announced or predates the feed.
        self._low_water_id = 0
        self._newest_seen: deque[tuple[float, int]] = deque()
        self._announced: set[int] = set()

    def subscribe(self, scope: Scope, loop: asyncio.AbstractEventLoop) -> Subscription:
        """Join the feed: reports that exist now are not announced to this stream. Blocking (it
        reads the newest id): call it from a worker thread."""
        with session_scope(self._engine, write=False) as session:
            newest_id = _newest_id(session)
        subscription = Subscription(scope, newest_id, loop)
        with self._lock:
            self._subscriptions.add(subscription)
            if self._thread is None:
                self._low_water_id = newest_id
                self._newest_seen.clear()
                self._announced.clear()
                self._thread = threading.Thread(
                    target=self._run, name=self.thread_name, daemon=True
                )
                self._thread.start()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    @property
    def thread_name(self) -> str:
        """The name of this feed's poller thread, while it runs."""
        return f"live-feed-{id(self):x}"

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._subscriptions:
                    self._thread = None
                    return
            try:
                self.poll_once()
            except Exception:  # the database may be away for a moment: look again next time
                log.exception("live feed poll failed")
            time.sleep(POLL_INTERVAL_S)

    def poll_once(self) -> None:
        """One look at the reports committed since the last, handed to the streams."""
        polled_at = time.monotonic()
        with session_scope(self._engine, write=False) as session:
            newest_id = _newest_id(session)
            candidates = session.exec(
                select(Report).where(col(Report.id) > self._low_water_id).order_by(col(Report.id))
            ).all()
            fresh = [report for report in candidates if report.id not in self._announced]
            presented = self._present(session, fresh) if fresh else []
            paths = {report.id: report.area_path for report in fresh if report.id is not None}
        self._announced.update(paths)
        self._raise_low_water(polled_at, newest_id)
        if presented:
            self._hand_out(presented, paths)

    def _hand_out(self, reports: list[ReportPublic], paths: dict[int, str | None]) -> None:
        with self._lock:
            subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            wanted = [
                report
                for report in reports
                if report.id > subscription.after_id and subscription.scope.covers(paths[report.id])
            ]
            if not all(subscription.offer(report) for report in wanted):
                self.unsubscribe(subscription)

    def _raise_low_water(self, polled_at: float, newest_id: int) -> None:
        self._newest_seen.append((polled_at, newest_id))
        while self._newest_seen and self._newest_seen[0][0] <= polled_at - COMMIT_GRACE_S:
            _, self._low_water_id = self._newest_seen.popleft()
        self._announced = {i for i in self._announced if i > self._low_water_id}


def _newest_id(session: Session) -> int:
    return session.exec(select(func.max(Report.id))).one() or 0
