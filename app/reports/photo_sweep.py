"""The photo sweep: removes what crashes leave in the photo store.

A process killed mid-upload can leave a staged `.tmp` file, or photo files whose report was
never committed. Files younger than the grace period are left alone (an upload in flight owns
them); older staged files go, and older photo files go unless a report_photo row names them.
The store of sealed originals is swept the same way, against the rows' original keys.
Every process runs the sweep at start-up and then periodically; two sweeps at once are harmless.
"""

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.orm import Mapped
from sqlmodel import col, select

from app.core.config import Settings
from app.core.db import session_scope
from app.core.metrics import measured_job
from app.photos.sealing import original_store
from app.photos.storage import PhotoStore, photo_store
from app.reports.models import ReportPhoto

log = logging.getLogger("tantou.photo_sweep")


@dataclass(frozen=True)
class SweepResult:
    staged_removed: int
    unreferenced_removed: int


# The key columns that name each store's files.
SERVED_COPIES = (col(ReportPhoto.display_key), col(ReportPhoto.thumbnail_key))
SEALED_ORIGINALS = (col(ReportPhoto.original_key),)


@measured_job("photo_sweep")
def sweep_photo_store(
    engine: Engine,
    store: PhotoStore,
    *,
    grace: timedelta,
    columns: Sequence[Mapped[Any]] = SERVED_COPIES,
) -> SweepResult:
    """Remove staged files, and files older than `grace` that no row names in `columns`."""
    cutoff_ns = time.time_ns() - int(grace.total_seconds() * 1e9)
    staged_removed = unreferenced_removed = 0
    # One first-level directory (1/256 of the keys) at a time keeps each look-up small.
    for prefix in store.prefixes():
        removed, old_keys = store.sweep_directory(prefix, older_than_ns=cutoff_ns)
        staged_removed += removed
        if not old_keys:
            continue
        referenced = _referenced_keys(engine, prefix, columns)
        for key in old_keys:
            if key not in referenced and store.remove_stale(key, unused_since_ns=cutoff_ns):
                unreferenced_removed += 1
    return SweepResult(staged_removed=staged_removed, unreferenced_removed=unreferenced_removed)


def remove_unreferenced(
    engine: Engine,
    store: PhotoStore,
    keys: Sequence[str],
    *,
    unused_since_ns: int,
    columns: Sequence[Mapped[Any]] = SERVED_COPIES,
) -> int:
    """Remove at once these files (replaced by others) unless a row names them or a writer has
    stored them again since the cutoff, as the sweep would later; how many were removed."""
    with session_scope(engine, write=False) as session:
        referenced = {
            key
            for column in columns
            for key in session.exec(select(column).where(column.in_(keys)))
        }
    return sum(
        store.remove_stale(key, unused_since_ns=unused_since_ns) for key in set(keys) - referenced
    )


def _referenced_keys(engine: Engine, prefix: str, columns: Sequence[Mapped[Any]]) -> set[str]:
    # A key range, not LIKE: both databases serve it from the indexes on the key columns.
    upper = f"{prefix}g"  # after every hex digit
    keys: set[str] = set()
    with session_scope(engine, write=False) as session:
        for column in columns:
            keys.update(session.exec(select(column).where(column >= prefix, column < upper)))
    return keys


async def sweep_photos_periodically(engine: Engine, settings: Settings) -> None:
    """Sweep both stores at start-up, then every `photo_sweep_seconds`, until cancelled."""
    store, originals = photo_store(settings), original_store(settings)
    grace = timedelta(minutes=settings.photo_sweep_grace_minutes)

    def sweep_both() -> SweepResult:
        served = sweep_photo_store(engine, store, grace=grace)
        sealed = sweep_photo_store(engine, originals, grace=grace, columns=SEALED_ORIGINALS)
        return SweepResult(
            staged_removed=served.staged_removed + sealed.staged_removed,
            unreferenced_removed=served.unreferenced_removed + sealed.unreferenced_removed,
        )

    while True:
        try:
            result = await anyio.to_thread.run_sync(sweep_both)
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
