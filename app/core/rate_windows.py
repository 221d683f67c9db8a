"""Request rates counted in the database, so that every process and machine shares them.

A row counts one key's requests in one wall-clock minute. A request is allowed while the key's
sliding-window estimate (this minute's count plus the previous minute's, weighted by the part
of it still inside the last 60 s) is under the limit. One statement does it all: an upsert that
adds the hit only where the estimate allows it and returns the counts it decided on.
"""

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import timedelta

import anyio.to_thread
from sqlalchemy import Connection, Engine, delete, text
from sqlmodel import Field, SQLModel

log = logging.getLogger("tantou.limits")
# The clock of the windows and their sweep: wall-clock minutes, the same on every process and
# machine (a name of its own, so that tests can hold it still).
wall_clock_s = time.time
# Rows of minutes before the previous one no longer count; the sweep removes them.
KEPT_MINUTES = 2
SWEEP_EVERY = timedelta(minutes=1)


# The previous minute's hits of the row being counted (SQLAlchemy's insert does not correlate a
# subquery with the row an upsert touches, hence text).
_PREVIOUS_HITS = (
    'COALESCE((SELECT p.hits FROM rate_window AS p WHERE p."key" = rate_window."key" '
    "AND p.minute = :minute - 1), 0)"
)
# Only placeholders (`:key_0`, …) are formatted into it; every value is a bound parameter.
COUNT_HIT = (
    'INSERT INTO rate_window ("key", minute, hits) VALUES {rows} '  # noqa: S608
    'ON CONFLICT ("key", minute) DO UPDATE SET hits = rate_window.hits + 1 '
    f"WHERE rate_window.hits + :weight * {_PREVIOUS_HITS} < :limit "
    f"RETURNING hits, {_PREVIOUS_HITS}"
)


class RateWindow(SQLModel, table=True):
    __tablename__ = "rate_window"

    key: str = Field(primary_key=True, max_length=80)
    minute: int = Field(primary_key=True)  # whole minutes since the Unix epoch
    hits: int


def hit(connection: Connection, keys: Sequence[str], now_s: float, limit: int) -> bool:
    """Count one request against every key; False (counting it against none that is over) when
    any key has reached `limit` in the sliding minute. The caller commits."""
    minute = int(now_s // 60)
    weight_previous = 1 - (now_s % 60) / 60
    rows = ", ".join(f"(:key_{n}, :minute, 1)" for n in range(len(keys)))
    params = {f"key_{n}": key for n, key in enumerate(keys)}
    counted = connection.execute(
        text(COUNT_HIT.format(rows=rows)),
        {**params, "minute": minute, "weight": weight_previous, "limit": limit},
    ).all()
    # A key missing from the answer was over its limit. A key's first hit of a minute is
    # inserted unconditionally, so its estimate is checked here (it may still be over).
    return len(counted) == len(keys) and all(
        hits - 1 + weight_previous * previous < limit for hits, previous in counted
    )


def hit_in_own_transaction(engine: Engine, keys: Sequence[str], now_s: float, limit: int) -> bool:
    """`hit`, committed at once (a request's own transaction may not write)."""
    with engine.begin() as connection:
        return hit(connection, keys, now_s, limit)


def forget_old_windows(connection: Connection, now_s: float) -> int:
    """Delete the minutes that no longer count; returns how many rows went."""
    oldest_kept = int(now_s // 60) - (KEPT_MINUTES - 1)
    result = connection.execute(delete(RateWindow).where(RateWindow.minute < oldest_kept))  # type: ignore[arg-type]
    return int(result.rowcount)


def _sweep_now(engine: Engine) -> int:
    with engine.begin() as connection:
        return forget_old_windows(connection, wall_clock_s())


async def sweep_rate_windows_periodically(engine: Engine) -> None:
    """Remove the minutes that no longer count, every SWEEP_EVERY, until cancelled."""
    while True:
        try:
            await anyio.to_thread.run_sync(_sweep_now, engine)
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("sweeping old rate windows failed")
        await asyncio.sleep(SWEEP_EVERY.total_seconds())
