"""The photo sweep: removes what crashes leave in the photo store.

A process killed mid-upload can leave a staged `.tmp` file, or photo files whose report was
never committed. Files younger than the grace period are left alone (an upload in flight owns
them); older staged files go, and older photo files go unless a report_photo row names them.
Every process runs the sweep at start-up and then periodically; two sweeps at once are harmless.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import anyio.to_thread
from sqlalchemy import Engine
from sqlmodel import col, select

from app.core.config import Settings
from app.core.db import session_scope
from app.core.metrics import measured_job
from app.photos.storage import PhotoStore, photo_store
from app.reports.models import ReportPhoto

log = logging.getLogger("tantou.photo_sweep")


@dataclass(frozen=True)
class SweepResult:
    staged_removed: int
    unreferenced_removed: int


@measured_job("photo_sweep")
def sweep_photo_store(engine: Engine, store: PhotoStore, *, grace: timedelta) -> SweepResult:
    """Remove staged files and unreferenced photo files older than `grace`."""
    cutoff_ns = time.time_ns() - int(grace.total_seconds() * 1e9)
    staged_removed = unreferenced_removed = 0
    # One first-level directory (1/256 of the keys) at a time keeps each look-up small.
    for prefix in store.prefixes():
        removed, old_keys = store.sweep_directory(prefix, older_than_ns=cutoff_ns)
        staged_removed += removed
        if not old_keys:
            continue
        referenced = _referenced_keys(engine, prefix)
        for key in old_keys:
            if key not in referenced and store.remove_stale(key, unused_since_ns=cutoff_ns):
                unreferenced_removed += 1
    return SweepResult(staged_removed=staged_removed, unreferenced_removed=unreferenced_removed)


def _referenced_keys(engine: Engine, prefix: str) -> set[str]:
    # A key range, not LIKE: both databases serve it from the indexes on the key columns.
    upper = f"{prefix}g"  # after every hex digit
    keys: set[str] = set()
    with session_scope(engine, write=False) as session:
        for column in (col(ReportPhoto.display_key), col(ReportPhoto.thumbnail_key)):
            keys.update(session.exec(select(column).where(column >= prefix, column < upper)))
    return keys


async def sweep_photos_periodically(engine: Engine, settings: Settings) -> None:
    """Sweep at start-up, then every `photo_sweep_seconds`, until cancelled."""
    store = photo_store(settings)
    grace = timedelta(minutes=settings.photo_sweep_grace_minutes)
    while True:
        try:
            result = await anyio.to_thread.run_sync(
                lambda: sweep_photo_store(engine, store, grace=grace)
            )
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("photo sweep failed")
        else:
            if result.staged_removed or result.unreferenced_removed:
                log.info(
                    "photo sweep",
                    extra={
                        "staged_removed": result.staged_removed,
                        "unreferenced_removed": result.unreferenced_removed,
                    },
                )
        await asyncio.sleep(settings.photo_sweep_seconds)
