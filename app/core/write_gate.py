"""One SQLite writer at a time per process: first come, first served, with a bounded wait.

SQLite lets one connection write at a time and makes the others poll for the lock with sleeps
that grow to 100 ms, in no order: under a burst some waiters lose every round until their busy
timeout ends in "database is locked". Queueing the writers of this process here instead hands
the lock straight to the next in line, and a writer that would wait too long is told to come
back later (503) rather than holding a worker thread and a pooled connection while it waits.
"""

import threading
from collections import deque


class WriteGate:
    """A FIFO lock whose acquire gives up after a timeout."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout_s: float) -> bool:
        """Take the gate; False if it was not handed to us within timeout_s."""
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout_s):
            return True
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over just as the wait ran out: we hold it

    def release(self) -> None:
        """Hand the gate to the longest waiter, or open it."""
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False
