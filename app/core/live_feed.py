"""A live feed of new rows of one table: one poller per process, whatever the number of streams.

A thread looks in the database for rows committed since its last look, presents each once, and
hands it to every subscription that wants it (by the row's audience: a report's area path, a
notification's account). So a row saved by any process reaches every stream, and a thousand
open streams cost one query a look, not a thousand. The thread runs while a subscription is
joined and stops with the last one.

It looks twice a second on SQLite. On PostgreSQL the transaction that adds a row sends a NOTIFY
on the feed's channel (wake_feeds), and the thread looks when one arrives, and every IDLE_LOOK_S
besides (for the commit grace below, and in case a notification was lost with a connection).
"""

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import psycopg
from sqlalchemy import Engine, func, inspect, text
from sqlmodel import Session, SQLModel, select

from app.core.db import session_scope

log = logging.getLogger("tantou.live_feed")
POLL_INTERVAL_S = 0.5
IDLE_LOOK_S = 5.0
# A row's id is taken when it is inserted but it becomes visible at commit, so on PostgreSQL
# a lower id can appear after a higher one. Ids are only written off this long after they
# were the newest seen; a transaction open longer than this may go unannounced.
COMMIT_GRACE_S = 30.0
# A stream this far behind (its client not reading) is ended; its client reconnects and
# reloads.
MAX_BACKLOG = 500

Row = TypeVar("Row", bound=SQLModel)


class Subscription:
    """One stream's share of one or more feeds: the items each feed hands it, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._items: asyncio.Queue[Any] = asyncio.Queue()

    async def next_item(self) -> Any:
        """The next item for this stream; None once it fell too far behind to go on."""
        return await self._items.get()

    def offer(self, item: object) -> bool:
        """Hand an item over from a poller's thread; False if the stream's loop is gone."""
        try:
            self._loop.call_soon_threadsafe(self._put, item)
        except RuntimeError:  # the event loop was closed: its stream is over
            return False
        return True

    def _put(self, item: object) -> None:
        if self._items.qsize() >= MAX_BACKLOG:
            self._items.put_nowait(None)
        else:
            self._items.put_nowait(item)


@dataclass(frozen=True, eq=False)
class _Membership:
    subscription: Subscription
    wants: Callable[[Any], bool]  # given a row's audience
    after_id: int


class LiveFeed(Generic[Row]):
    """The process's feed of one table's new rows to the subscriptions joined to it."""

    def __init__(
        self,
        engine: Engine,
        model: type[Row],
        *,
        present: Callable[[Session, Sequence[Row]], Sequence[object]],
        audience: Callable[[Row], Hashable],
        channel: str,
    ) -> None:
        self._engine = engine
        self._model = model
        self._id_column = inspect(model).primary_key[0]
        self._present = present
        self._audience = audience
        self._doorbell = doorbell_for(engine, channel)
        self._lock = threading.Lock()
        self._members: dict[Subscription, _Membership] = {}
        self._thread: threading.Thread | None = None
        # Every id up to the low-water mark was announced or predates the feed.
        self._low_water_id = 0
        self._newest_seen: deque[tuple[float, int]] = deque()
        self._announced: set[int] = set()

    def join(self, subscription: Subscription, wants: Callable[[Any], bool]) -> None:
        """Join the feed: rows that exist now are not handed to `subscription`, later ones are
        when `wants(audience)`. Blocking (it reads the newest id): call it from a worker thread.
        """
        with session_scope(self._engine, write=False) as session:
            newest_id = self._newest_id(session)
        with self._lock:
            self._members[subscription] = _Membership(subscription, wants, newest_id)
            if self._thread is None:
                self._low_water_id = newest_id
                self._newest_seen.clear()
                self._announced.clear()
                self._thread = threading.Thread(
                    target=self._run, name=self.thread_name, daemon=True
                )
                self._thread.start()

    def leave(self, subscription: Subscription) -> None:
        with self._lock:
            self._members.pop(subscription, None)

    @property
    def thread_name(self) -> str:
        """The name of this feed's poller thread, while it runs."""
        return f"live-feed-{id(self):x}"

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._members:
                    self._thread = None
                    self._doorbell.close()
                    return
            try:
                self.poll_once()
            except Exception:  # the database may be away for a moment: look again next time
                log.exception("live feed poll failed")
            self._doorbell.wait()

    def poll_once(self) -> None:
        """One look at the rows committed since the last, handed to the subscriptions."""
        polled_at = time.monotonic()
        with session_scope(self._engine, write=False) as session:
            newest_id = self._newest_id(session)
            candidates = session.exec(
                select(self._model)
                .where(self._id_column > self._low_water_id)
                .order_by(self._id_column)
            ).all()
            fresh = [row for row in candidates if self._id_of(row) not in self._announced]
            items = self._present(session, fresh) if fresh else []
            news = [
                (self._id_of(row), self._audience(row), item)
                for row, item in zip(fresh, items, strict=True)
            ]
        self._announced.update(row_id for row_id, _, _ in news)
        self._raise_low_water(polled_at, newest_id)
        if news:
            self._hand_out(news)

    def _hand_out(self, news: list[tuple[int, Hashable, object]]) -> None:
        with self._lock:
            members = list(self._members.values())
        for member in members:
            wanted = [
                item
                for row_id, audience, item in news
                if row_id > member.after_id and member.wants(audience)
            ]
            if not all(member.subscription.offer(item) for item in wanted):
                self.leave(member.subscription)

    def _raise_low_water(self, polled_at: float, newest_id: int) -> None:
        self._newest_seen.append((polled_at, newest_id))
        while self._newest_seen and self._newest_seen[0][0] <= polled_at - COMMIT_GRACE_S:
            _, self._low_water_id = self._newest_seen.popleft()
        self._announced = {i for i in self._announced if i > self._low_water_id}

    def _id_of(self, row: Row) -> int:
        row_id: int = getattr(row, self._id_column.key)
        return row_id

    def _newest_id(self, session: Session) -> int:
        return session.exec(select(func.max(self._id_column))).one() or 0


def wake_feeds(session: Session, channel: str) -> None:
    """Have every process's feed on `channel` look soon after this transaction commits: a
    NOTIFY on PostgreSQL (sent at commit, once per transaction however often it is called); on
    SQLite the feeds look twice a second anyway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


class SleepingDoorbell:
    """Waits the poll interval (SQLite)."""

    def wait(self) -> None:
        time.sleep(POLL_INTERVAL_S)

    def close(self) -> None:
        """Nothing to release."""


class NotifiedDoorbell:
    """Waits for a NOTIFY on a feed's channel, IDLE_LOOK_S at most (PostgreSQL), on a
    connection of its own outside the pool."""

    def __init__(self, conninfo: str, channel: str, *, idle_look_s: float = IDLE_LOOK_S) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._idle_look_s = idle_look_s
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    def wait(self) -> None:
        """Return when a row may have been added; at once after (re)connecting, since
        news may have come before the LISTEN."""
        try:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(self._conninfo, autocommit=True)
                self._connection.execute(f"LISTEN {self._channel}")
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


def doorbell_for(engine: Engine, channel: str) -> SleepingDoorbell | NotifiedDoorbell:
    """How a feed of `engine`'s database waits between looks."""
    if engine.dialect.name != "postgresql":
        return SleepingDoorbell()
    return NotifiedDoorbell(
        engine.url.set(drivername="postgresql").render_as_string(hide_password=False), channel
    )
