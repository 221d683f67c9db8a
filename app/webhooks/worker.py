"""The delivery worker: every process of the app runs one. It leases due deliveries, sends them
concurrently (a slow receiver holds only its own slots), records each outcome and loops; a
commit that wrote deliveries wakes it at once, and it polls for the rest (retries falling due,
deliveries written by other processes, leases of crashed ones that expired)."""

import asyncio
import logging
import os
import socket
import uuid
from contextlib import suppress
from datetime import datetime, timedelta

import anyio.to_thread
import httpx
from sqlalchemy import Engine

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import session_scope
from app.core.metrics import measured_job
from app.photos.urls import photo_url_signer
from app.webhooks import outbox, wake
from app.webhooks.outbox import ClaimedDelivery, Outcome
from app.webhooks.payloads import delivery_body, with_signed_photos
from app.webhooks.sender import send_delivery

log = logging.getLogger("tantou.webhooks")
MAX_IN_FLIGHT = 64
# Per subscription, so that one hanging receiver cannot take every slot.
MAX_IN_FLIGHT_PER_SUBSCRIPTION = 8
# A lease outlives the longest try by this much; past it, another worker may take over.
LEASE_MARGIN = timedelta(seconds=30)


class DeliveryWorker:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._sending: dict[asyncio.Task[None], int] = {}
        self._finished: list[tuple[ClaimedDelivery, Outcome]] = []

    async def run(self) -> None:
        """Deliver until cancelled; deliveries being sent then are left to their leases."""
        loop = asyncio.get_running_loop()
        remove_listener = wake.add_listener(lambda: self._wake_from_thread(loop))
        try:
            timeout = httpx.Timeout(self.settings.webhook_timeout_seconds)
            async with httpx.AsyncClient(
                timeout=timeout, follow_redirects=False, trust_env=False
            ) as client:
                await self._loop(client)
        finally:
            remove_listener()
            for task in list(self._sending):
                task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)
            await self._store_finished()

    async def _store_finished(self) -> None:
        """At shutdown, store the outcomes not stored yet, so they are not sent again."""
        if not self._finished:
            return
        try:
            await anyio.to_thread.run_sync(self._round, self._finished, 0, {})
        except Exception:  # their leases expire and they are sent again: at least once
            log.exception("storing the last webhook outcomes failed")

    def _wake_from_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        with suppress(RuntimeError):  # the loop closed while a late commit announced itself
            loop.call_soon_threadsafe(self._wake.set)

    async def _loop(self, client: httpx.AsyncClient) -> None:
        while True:
            self._wake.clear()
            finished, self._finished = self._finished, []
            claimed: list[ClaimedDelivery] = []
            next_due: datetime | None = None
            try:
                claimed, next_due = await anyio.to_thread.run_sync(
                    self._round, finished, MAX_IN_FLIGHT - len(self._sending), self._in_flight()
                )
            except Exception:  # the database may be away for a moment; leases expire and
                # the deliveries whose outcomes were not stored are tried again
                log.exception("a webhook delivery round failed")
            for delivery in claimed:
                task = asyncio.create_task(self._deliver(client, delivery))
                self._sending[task] = delivery.subscription_id
                task.add_done_callback(self._sent)
            if claimed or self._finished:
                continue  # there may be more due at once
            timeout = self.settings.webhook_poll_seconds
            if next_due is not None:
                timeout = min(timeout, max((next_due - utcnow()).total_seconds(), 0.0))
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def _in_flight(self) -> dict[int, int]:
        """Deliveries being sent, per subscription."""
        counts: dict[int, int] = {}
        for subscription_id in self._sending.values():
            counts[subscription_id] = counts.get(subscription_id, 0) + 1
        return counts

    @measured_job("webhook_delivery_round")
    def _round(
        self,
        finished: list[tuple[ClaimedDelivery, Outcome]],
        free: int,
        in_flight: dict[int, int],
    ) -> tuple[list[ClaimedDelivery], datetime | None]:
        """One transaction: store the outcomes of the sends finished since the last round,
        lease what is due now, and tell when the next retry falls due."""
        now = utcnow()
        lease = timedelta(seconds=self.settings.webhook_timeout_seconds) + LEASE_MARGIN
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
            claimed = (
                outbox.claim_due(
                    session,
                    worker_id=self.worker_id,
                    now=now,
                    lease=lease,
                    limit=free,
                    in_flight=in_flight,
                    per_subscription=MAX_IN_FLIGHT_PER_SUBSCRIPTION,
                )
                if free > 0
                else []
            )
            next_due = outbox.next_due_at(session, now)
            session.commit()
        return claimed, next_due

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.pop(task, None)
        # Its outcome is to be stored, a slot is free, and the next delivery of the same report
        # may now be due. Sends that finish while a round runs are stored together by the next.
        self._wake.set()

    async def _deliver(self, client: httpx.AsyncClient, delivery: ClaimedDelivery) -> None:
        data = with_signed_photos(delivery.data, photo_url_signer(self.settings.secret_key))
        body = delivery_body(delivery.event, delivery.delivery_id, delivery.occurred_at, data)
        outcome = await send_delivery(
            client,
            delivery,
            body,
            timeout_s=self.settings.webhook_timeout_seconds,
            allow_private=self.settings.webhook_allow_private,
        )
        self._finished.append((delivery, outcome))
