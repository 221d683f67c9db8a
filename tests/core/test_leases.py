"""Job leases: one holder at a time, renewed by its holder, taken over once expired."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.clock import utcnow
from app.core.leases import LeasedJob, acquire, holder_of, release
from app.core.runtime import Runtime
from tests.waiting import eventually

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


def _acquire(engine: Engine, holder: str, now: datetime, name: str = "job") -> bool:
    with Session(engine) as session:
        taken = acquire(session, name, holder, now=now, ttl=TTL)
        session.commit()
    return taken


def _holder(engine: Engine, now: datetime, name: str = "job") -> str | None:
    with Session(engine) as session:
        return holder_of(session, name, now=now)


def test_one_holder_at_a_time_until_the_lease_expires(runtime: Runtime) -> None:
    engine = runtime.writer
    assert _acquire(engine, "a", T0)
    assert not _acquire(engine, "b", T0 + timedelta(seconds=1))
    assert _acquire(engine, "a", T0 + timedelta(seconds=20)), "the holder renews"
    assert not _acquire(engine, "b", T0 + timedelta(seconds=49)), "renewed until 50 s"
    assert _acquire(engine, "b", T0 + timedelta(seconds=50)), "expired: another takes it"
    assert _holder(engine, T0 + timedelta(seconds=51)) == "b"
    assert not _acquire(engine, "a", T0 + timedelta(seconds=51)), "the old holder lost it"
    assert _acquire(engine, "a", T0, name="other job"), "leases are per job"


def test_a_released_lease_is_free_at_once(runtime: Runtime) -> None:
    engine = runtime.writer
    assert _acquire(engine, "a", T0)
    with Session(engine) as session:
        assert not release(session, "job", "b", now=T0), "only the holder releases"
        assert release(session, "job", "a", now=T0)
        session.commit()
    assert _holder(engine, T0) is None
    assert _acquire(engine, "b", T0)


class CountedJob(LeasedJob):
    """A leased job that counts its attempts to take the lease."""

    attempts = 0

    def _acquire_now(self) -> bool:
        self.attempts += 1
        return super()._acquire_now()


def test_a_leased_job_runs_in_one_of_two_and_moves_when_its_holder_stops(
    runtime: Runtime,
) -> None:
    running: list[str] = []

    def job(holder: str) -> CountedJob:
        async def body() -> None:
            running.append(holder)
            await asyncio.Event().wait()  # a job's endless loop

        return CountedJob(runtime.engine, "job", body, ttl=timedelta(seconds=2), holder=holder)

    async def scenario() -> None:
        a, b = job("a"), job("b")
        first = asyncio.create_task(a.run())
        await _until(lambda: running == ["a"])
        second = asyncio.create_task(b.run())
        await _until(lambda: b.attempts >= 2)  # b tried twice, and a renewed meanwhile
        assert running == ["a"]
        assert _holder(runtime.engine, utcnow()) == "a"
        first.cancel()  # a clean stop releases the lease: b takes it at its next attempt
        await _until(lambda: running == ["a", "b"])
        assert _holder(runtime.engine, utcnow()) == "b"
        second.cancel()
        await asyncio.gather(first, second, return_exceptions=True)

    asyncio.run(scenario())


async def _until(condition: Callable[[], bool]) -> None:
    await asyncio.to_thread(eventually, condition, 10)
