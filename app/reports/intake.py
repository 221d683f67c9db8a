"""Report intake a few at a time, so that a storm of reports cannot crowd out other work.

An outbox replaying after a dead zone sends many reports (and many copies of one) at once.
Served all at once they would fill every worker thread and queue for the write lock, and an
unrelated write, a coordinator accepting a case, would wait behind all of them. Reports over
the limit wait here first, in the event loop: no worker thread, no connection, no lock. One
that waits too long is answered 503 with Retry-After, which the rider app's outbox retries.
"""

import os
from collections.abc import AsyncIterator

import anyio

from app.core.deps import RuntimeDep
from app.core.errors import BUSY_DETAIL, ServiceUnavailable
from app.core.runtime import Runtime

# About one report per core at a time: photo work is CPU-bound, more at once only interleave.
INTAKE_SLOTS = max(2, os.cpu_count() or 1)
INTAKE_WAIT_S = 15.0


def intake_slots_of(runtime: Runtime) -> anyio.Semaphore:
    """This process's report intake slots."""
    slots = runtime.caches.get("report_intake_slots")
    if slots is None:
        slots = runtime.caches.setdefault("report_intake_slots", anyio.Semaphore(INTAKE_SLOTS))
    assert isinstance(slots, anyio.Semaphore)
    return slots


async def intake_slot(runtime: RuntimeDep) -> AsyncIterator[None]:
    """A dependency holding one intake slot while a report is taken in (first of the endpoint's
    dependencies, so that no other runs before it); 503 after INTAKE_WAIT_S without one."""
    slots = intake_slots_of(runtime)
    acquired = False
    with anyio.move_on_after(INTAKE_WAIT_S):
        await slots.acquire()
        acquired = True
    if not acquired:
        raise ServiceUnavailable(BUSY_DETAIL)
    try:
        yield
    finally:
        slots.release()
