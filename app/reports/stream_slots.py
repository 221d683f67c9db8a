"""How many report streams each account holds open, so that one token cannot open thousands.

Counted per process (each worker holds its own streams); TANTOU_MAX_STREAMS_PER_ACCOUNT is the
cap in each. A console tab holds one stream, so the cap is a few tabs, not a burden.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from app.core.errors import TooManyRequests
from app.core.messages import Message

# A refused console retries after this; by then a closed tab has let its slot go.
RETRY_AFTER_S = 30


class StreamSlots:
    def __init__(self, per_account: int) -> None:
        self.per_account = per_account
        self._open: Counter[int] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, account_id: int) -> Iterator[None]:
        """One slot while the block runs; 429 when the account holds all of its slots."""
        with self._lock:
            if self._open[account_id] >= self.per_account:
                raise TooManyRequests(
                    Message("reports.too-many-streams", limit=self.per_account),
                    retry_after_s=RETRY_AFTER_S,
                )
            self._open[account_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._open[account_id] -= 1
                if not self._open[account_id]:
                    del self._open[account_id]

    def held_by(self, account_id: int) -> int:
        with self._lock:
            return self._open[account_id]
