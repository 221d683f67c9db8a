"""Job leases: a periodic job runs in one process across every process and machine.

A lease is a row (name, holder, expires_at). A process takes it when it is free or expired, and
renews it while the job runs; a process that crashes stops renewing, so its lease expires and
another takes the job over within the TTL. Taking and renewing are conditional writes, so of
two processes racing for a lease exactly one wins. The jobs stay correct if two run at once (a
renewal lost to a pause long enough to let another take over); the lease makes them run once.
"""

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import Engine, or_
from sqlmodel import Field, Session, SQLModel, col

from app.core.clock import utcnow
from app.core.conditional import update_where
from app.core.db import session_scope
from app.core.types import time_field
from app.core.upsert import dialect_insert

log = logging.getLogger("tantou.leases")
# A lease is renewed this many times per TTL, so that one slow renewal does not lose it.
RENEWALS_PER_TTL = 3


class JobLease(SQLModel, table=True):
    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=120)
    expires_at: datetime = time_field()


def process_holder_id() -> str:
    """A holder name for this process: which machine and process, and unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(session: Session, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take (or renew, for its holder) the lease `name` until now + ttl; False if another
    process holds it unexpired. The caller commits."""
    until = now + ttl
    free_or_ours = or_(col(JobLease.holder) == holder, col(JobLease.expires_at) <= now)
    values = {"holder": holder, "expires_at": until}
    if update_where(session, JobLease, name, free_or_ours, values=values):
        return True
    insert = dialect_insert(session.get_bind())
    created = session.execute(
        insert(JobLease)
        .values(name=name, holder=holder, expires_at=until)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(col(JobLease.name))
    )
    return created.first() is not None


def release(session: Session, name: str, holder: str, *, now: datetime) -> bool:
    """Give the lease up at once, if `holder` still holds it. The caller commits."""
    return update_where(
        session, JobLease, name, expected={"holder": holder}, values={"expires_at": now}
    )


def holder_of(session: Session, name: str, *, now: datetime) -> str | None:
    """Who holds the lease `name` unexpired, if anyone."""
    lease = session.get(JobLease, name)
    return lease.holder if lease is not None and lease.expires_at > now else None


class LeasedJob:
    """Runs `body` (a job's endless loop) only while this process holds the lease `name`:
    tries to take it every half TTL, renews it while the body runs, and cancels the body if a
    renewal finds the lease lost."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        body: Callable[[], Awaitable[None]],
        *,
        ttl: timedelta,
        holder: str,
    ) -> None:
        self.engine = engine
        self.name = name
        self.body = body
        self.ttl = ttl
        self.holder = holder

    async def run(self) -> None:
        """Until cancelled; a cancelled holder releases its lease for the next to take."""
        while True:
            if await self._acquire():
                try:
                    await self._run_body_while_held()
                finally:
                    await asyncio.shield(anyio.to_thread.run_sync(self._release))
            await asyncio.sleep(self.ttl.total_seconds() / 2)

    async def _run_body_while_held(self) -> None:
        log.info("job lease taken", extra={"job": self.name, "holder": self.holder})
        work = asyncio.ensure_future(self.body())
        try:
            while True:
                done, _ = await asyncio.wait({work}, timeout=self._renew_every_s())
                if done:  # a job's loop does not end; if it failed, the next taker starts afresh
                    if not work.cancelled() and (error := work.exception()) is not None:
                        log.error("job stopped", extra={"job": self.name}, exc_info=error)
                    return
                if not await self._acquire():
                    log.warning("job lease lost", extra={"job": self.name})
                    return
        finally:
            work.cancel()
            with suppress(asyncio.CancelledError):
                await work

    def _renew_every_s(self) -> float:
        return self.ttl.total_seconds() / RENEWALS_PER_TTL

    async def _acquire(self) -> bool:
        try:
            return await anyio.to_thread.run_sync(self._acquire_now)
        except Exception:  # the database may be away for a moment: not holding, try again
            log.exception("taking the job lease failed", extra={"job": self.name})
            return False

    def _acquire_now(self) -> bool:
        with session_scope(self.engine) as session:
            taken = acquire(session, self.name, self.holder, now=utcnow(), ttl=self.ttl)
            session.commit()
        return taken

    def _release(self) -> None:
        with suppress(Exception), session_scope(self.engine) as session:
            release(session, self.name, self.holder, now=utcnow())
            session.commit()
