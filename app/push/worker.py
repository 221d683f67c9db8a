"""The push worker, run by one process of all (a leased job): it dispatches new notifications
to the channels, leases due deliveries, sends them concurrently (a slow push service holds only
its own slots, never a request), records each outcome and loops. A commit that added
notifications wakes it at once; it polls for the rest (retries falling due, notifications
made by other processes, leases of a crashed holder that expired)."""

import asyncio
import logging
from contextlib import suppress
from datetime import datetime, timedelta

import anyio.to_thread
import httpx
from sqlalchemy import Engine

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import session_scope
from app.core.leases import process_holder_id
from app.core.metrics import measured_job
from app.push import outbox, wake
from app.push.channels import Channel, ClaimedDelivery, Outcome, Verdict
from app.push.dispatch import configured_channels, dispatch_new
from app.push.posting import TIMEOUT_S

log = logging.getLogger("tantou.push")
MAX_IN_FLIGHT = 64
DISPATCH_BATCH = 200
# A lease outlives the longest try by this much; past it, another worker may take over.
LEASE = timedelta(seconds=TIMEOUT_S + 30)


class PushWorker:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.worker_id = process_holder_id()[:64]
        self.channels: dict[str, Channel] = {c.name: c for c in configured_channels(settings)}
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._finished: list[tuple[ClaimedDelivery, Outcome]] = []

    async def run(self) -> None:
        """Deliver until cancelled; deliveries being sent then are left to their leases."""
        loop = asyncio.get_running_loop()
        remove_listener = wake.notifications_added.add_listener(
            lambda: self._wake_from_thread(loop)
        )
        try:
            async with httpx.AsyncClient(
                timeout=httpx.Timeout(TIMEOUT_S), follow_redirects=False, trust_env=False
            ) as client:
                await self._loop(client)
        finally:
            remove_listener()
            for task in list(self._sending):
                task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)
            if self._finished:  # stored now, so that they are not sent again
                with suppress(Exception):
                    await anyio.to_thread.run_sync(self._round, self._finished, 0)

    def _wake_from_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        with suppress(RuntimeError):  # the loop closed while a late commit announced itself
            loop.call_soon_threadsafe(self._wake.set)

    async def _loop(self, client: httpx.AsyncClient) -> None:
        while True:
            self._wake.clear()
            finished, self._finished = self._finished, []
            claimed: list[ClaimedDelivery] = []
            next_due: datetime | None = None
            more = False
            try:
                claimed, next_due, more = await anyio.to_thread.run_sync(
                    self._round, finished, MAX_IN_FLIGHT - len(self._sending)
                )
            except Exception:  # the database may be away for a moment; leases expire and
                # the deliveries whose outcomes were not stored are tried again
                log.exception("a push delivery round failed")
            for delivery in claimed:
                task = asyncio.create_task(self._deliver(client, delivery))
                self._sending.add(task)
                task.add_done_callback(self._sent)
            if claimed or more or self._finished:
                continue  # there may be more to do at once
            timeout = self.settings.push_poll_seconds
            if next_due is not None:
                timeout = min(timeout, max((next_due - utcnow()).total_seconds(), 0.0))
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    @measured_job("push_delivery_round")
    def _round(
        self, finished: list[tuple[ClaimedDelivery, Outcome]], free: int
    ) -> tuple[list[ClaimedDelivery], datetime | None, bool]:
        """One transaction: store the outcomes of the sends finished since the last round,
        dispatch new notifications, lease what is due now, and tell when the next retry is
        (and whether more notifications wait to be dispatched)."""
        now = utcnow()
        with session_scope(self.engine) as session:
            for delivery, outcome in finished:
                outbox.record_outcome(
                    session,
                    delivery,
                    outcome,
                    worker_id=self.worker_id,
                    now=now,
                    settings=self.settings,
                )
            claimed: list[ClaimedDelivery] = []
            more = False
            if free > 0:
                channels = list(self.channels.values())
                dispatched = dispatch_new(session, channels, now=now, limit=DISPATCH_BATCH)
                more = dispatched == DISPATCH_BATCH
                claimed = outbox.claim_due(
                    session, worker_id=self.worker_id, now=now, lease=LEASE, limit=free
                )
            next_due = outbox.next_due_at(session, now)
            session.commit()
        return claimed, next_due, more

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._wake.set()

    async def _deliver(self, client: httpx.AsyncClient, delivery: ClaimedDelivery) -> None:
        channel = self.channels.get(delivery.channel)
        if channel is None:  # written while a channel was configured that no longer is:
            # it waits (backing off) for the channel to come back, or is given up
            outcome = Outcome(Verdict.RETRY, error=f"channel {delivery.channel} is not set up")
        else:
            try:
                outcome = await channel.send(client, delivery)
            except Exception as exc:  # a bug or bad stored keys: kept, backed off, given up
                log.exception("a push delivery could not be sent", extra={"id": delivery.id})
                outcome = Outcome(Verdict.RETRY, error=f"{type(exc).__name__}: {exc}"[:500])
        self._finished.append((delivery, outcome))
