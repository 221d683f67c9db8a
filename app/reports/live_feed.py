"""The live feed of new reports: one poller per process, whatever the number of open streams.

A thread looks in the database for reports committed since its last look, presents each once,
and hands it to every subscribed stream whose scope covers it. So a report saved by any process
reaches every console, and a thousand open consoles cost one query a look, not a thousand. The
thread runs while a stream is subscribed and stops with the last one.

It looks twice a second on SQLite. On PostgreSQL the transaction that adds a report sends a
NOTIFY (wake_live_feeds), and the thread looks when one arrives, and every IDLE_LOOK_S besides
(for the commit grace below, and in case a notification was lost with a connection).
"""

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

import psycopg
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.db import session_scope
from app.reports.models import Report
from app.reports.schemas import ReportPublic

log = logging.getLogger("tantou.live_feed")
POLL_INTERVAL_S = 0.5
IDLE_LOOK_S = 5.0
NEW_REPORT_CHANNEL = "tantou_new_report"
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
        self._doorbell = doorbell_for(engine)
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
                    self._doorbell.close()
                    return
            try:
                self.poll_once()
            except Exception:  # the database may be away for a moment: look again next time
                log.exception("live feed poll failed")
            self._doorbell.wait()

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


def wake_live_feeds(session: Session) -> None:
    """Have every process's feed look soon after this transaction commits: a NOTIFY on
    PostgreSQL (sent at commit, once per transaction however many reports it adds); on SQLite
    the feeds look twice a second anyway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NEW_REPORT_CHANNEL})


class SleepingDoorbell:
    """Waits the poll interval (SQLite)."""

    def wait(self) -> None:
        time.sleep(POLL_INTERVAL_S)

    def close(self) -> None:
        """Nothing to release."""


class NotifiedDoorbell:
    """Waits for a NOTIFY on the new-report channel, IDLE_LOOK_S at most (PostgreSQL), on a
    connection of its own outside the pool."""

    def __init__(self, conninfo: str, *, idle_look_s: float = IDLE_LOOK_S) -> None:
        self._conninfo = conninfo
        self._idle_look_s = idle_look_s
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def wait(self) -> None:
        """Return when a report may have been added; at once after (re)connecting, since
        news may have come before the LISTEN."""
        try:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(self._conninfo, autocommit=True)
                self._connection.execute(f"LISTEN {NEW_REPORT_CHANNEL}")
                return
            for _notification in self._connection.notifies(timeout=self._idle_look_s, stop_after=1):
                pass
        except psycopg.Error:
            log.warning("live feed lost its notifications; polling until it reconnects")
            self.close()
            time.sleep(POLL_INTERVAL_S)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def doorbell_for(engine: Engine) -> SleepingDoorbell | NotifiedDoorbell:
    """How the feed of `engine`'s database waits between looks."""
    if engine.dialect.name != "postgresql":
        return SleepingDoorbell()
    return NotifiedDoorbell(
        engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    )
