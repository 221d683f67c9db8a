"""Redaction off the request path: the worker that redacts what this process stored, and the job
that redacts any photo left waiting.

An upload is converted in its request but not redacted (app/photos/intake.py): its row is
`pending`, unserved, and its display key joins this process's redaction queue. The worker, a
thread of every serving process, takes keys from that queue a few at a time, redacts the stored
copies in the image pool and swaps the row over. The job, run under a lease by one process of
all, redacts what no queue holds: photos stored before redaction existed (`unchecked`), those
whose detectors failed (`needs_check`), and pending ones whose process stopped first.
"""

import asyncio
import logging
import queue
import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy import update
from sqlmodel import col, select

from app.core.clock import utcnow
from app.core.db import session_scope
from app.core.errors import ServiceUnavailable
from app.core.metrics import measured_job
from app.core.runtime import Runtime
from app.photos.detectors import Box
from app.photos.intake import (
    StoredPhoto,
    image_pool_of,
    pixel_limits,
    redaction_queue_of,
    store_copies,
)
from app.photos.pipeline import PhotoError, RedactedCopies
from app.photos.pool import ImagePool
from app.photos.redaction import Redaction
from app.photos.sealing import original_store
from app.photos.storage import StagedWrites, photo_store
from app.reports.models import PhotoRedaction, ReportPhoto

log = logging.getLogger("tantou.photo_redaction")
REDACTION_CHECK_SECONDS = 300
REDACT_BATCH_PHOTOS = 8
# A pending photo this old has been left by its process (the worker takes seconds, not minutes).
ABANDONED_AFTER = timedelta(seconds=REDACTION_CHECK_SECONDS)
# How long the worker waits before trying again when the image pool is full of uploads.
BUSY_RETRY_SECONDS = 1.0
BUSY_RETRIES = 5  # then the photos are left to the job, which takes them as abandoned
STOP_CHECK_SECONDS = 0.5  # how often an idle worker looks whether it should stop
# A batch waits behind uploads in progress for at most this many stop checks (5 s).
UPLOADS_FIRST_CHECKS = 10


def stored_photo_columns(stored: StoredPhoto) -> dict[str, Any]:
    """The photo row's columns for its stored files, what redaction did to them and its hash."""
    return {**asdict(stored.files), **redaction_columns(stored.redaction), "phash": stored.phash}


def redaction_columns(redaction: Redaction | None) -> dict[str, Any]:
    """The photo row's redaction columns: pending (None), redacted, or failed and unserved."""
    if redaction is None:
        return {
            "redaction": PhotoRedaction.PENDING,
            "redacted_regions": [],
            "redaction_failure": None,
        }
    if redaction.failure is not None:
        return {
            "redaction": PhotoRedaction.NEEDS_CHECK,
            "redacted_regions": [],
            "redaction_failure": redaction.failure[:200],
        }
    return {
        "redaction": PhotoRedaction.REDACTED,
        "redacted_regions": [_region(box) for box in redaction.boxes],
        "redaction_failure": None,
    }


class RedactionWorker:
    """The thread that redacts the photos this process stored, as they are queued. Several may
    share a queue (two apps on one runtime, in tests): each takes what it can."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._queue = redaction_queue_of(runtime)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="photo-redaction", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the thread after its current batch; photos still queued are left to the job."""
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        pool = image_pool_of(self._runtime)
        while not self._stopping.is_set():
            keys = _take_batch(self._queue, pool.workers)
            if keys:
                self._behind_uploads(pool)
            try:
                for _attempt in range(BUSY_RETRIES):
                    if not keys or self._stopping.is_set():
                        break
                    try:
                        redact_queued(self._runtime, keys)
                        break
                    except ServiceUnavailable:  # the pool full of uploads, or the write gate
                        self._stopping.wait(BUSY_RETRY_SECONDS)
            except Exception:  # the job retries these photos; the worker goes on
                log.exception("photo redaction failed")
            finally:
                for _key in keys:
                    self._queue.task_done()

    def _behind_uploads(self, pool: ImagePool) -> None:
        # Uploads first: their riders wait for the answer, and redaction can wait a little. But
        # not for ever, or a steady stream of uploads would leave their photos unseen.
        for _check in range(UPLOADS_FIRST_CHECKS):
            if self._stopping.is_set() or pool.wait_until_no_request(STOP_CHECK_SECONDS):
                return


def _take_batch(waiting: "queue.Queue[str]", size: int) -> list[str]:
    # The timeout only bounds how long a stop waits; queued keys are taken at once.
    try:
        keys = [waiting.get(timeout=STOP_CHECK_SECONDS)]
    except queue.Empty:
        return []
    with suppress(queue.Empty):
        while len(keys) < size:
            keys.append(waiting.get_nowait())
    return keys


def redact_queued(runtime: Runtime, display_keys: Sequence[str]) -> int:
    """Redact the pending photos stored under these display keys; how many were redacted."""
    if not display_keys:
        return 0
    with session_scope(runtime.engine, write=False) as session:
        rows = session.exec(
            select(ReportPhoto.id, ReportPhoto.display_key)
            .where(col(ReportPhoto.display_key).in_(display_keys))
            .where(col(ReportPhoto.redaction) == PhotoRedaction.PENDING)
            .order_by(col(ReportPhoto.id))
        ).all()
    return _redact_batch(runtime, [(photo_id, key) for photo_id, key in rows if photo_id])


def finish_queued_redaction(runtime: Runtime) -> None:
    """Redact everything in this process's queue now, in this thread, and wait for any batch the
    worker holds: afterwards every photo this process stored has been redacted or marked."""
    waiting = redaction_queue_of(runtime)
    while True:
        try:
            key = waiting.get_nowait()
        except queue.Empty:
            break
        try:
            redact_queued(runtime, [key])
        finally:
            waiting.task_done()
    waiting.join()


@measured_job("photo_redaction")
def redact_waiting_photos(runtime: Runtime, now: datetime | None = None) -> int:
    """Redact every photo waiting for redaction that no worker holds (as of `now`), a batch at a
    time; how many were redacted."""
    redacted = 0
    after_id = 0
    abandoned_before = (now or utcnow()) - ABANDONED_AFTER
    while True:
        with session_scope(runtime.engine, write=False) as session:
            rows = session.exec(
                select(ReportPhoto.id, ReportPhoto.display_key)
                .where(col(ReportPhoto.redaction) != PhotoRedaction.REDACTED)
                .where(
                    (col(ReportPhoto.redaction) != PhotoRedaction.PENDING)
                    | (col(ReportPhoto.created_at) < abandoned_before)
                )
                .where(col(ReportPhoto.id) > after_id)
                .order_by(col(ReportPhoto.id))
                .limit(REDACT_BATCH_PHOTOS)
            ).all()
        waiting = [(photo_id, key) for photo_id, key in rows if photo_id is not None]
        if not waiting:
            return redacted
        after_id = waiting[-1][0]
        redacted += _redact_batch(runtime, waiting)


def _redact_batch(runtime: Runtime, waiting: Sequence[tuple[int, str]]) -> int:
    settings = runtime.settings
    store = photo_store(settings)
    present, sources = [], []
    for photo_id, key in waiting:
        with suppress(FileNotFoundError):  # a missing file has nothing to redact
            sources.append(store.read(key))
            present.append((photo_id, key))
    if not present:
        return 0
    outcomes = image_pool_of(runtime).redact_stored(
        sources, pixel_limits(settings), timeout_s=settings.redaction_timeout_seconds
    )
    with store.staged() as writes, original_store(settings).staged() as sealed_writes:
        # The files first: the write lock is held only for the row updates.
        changes = [
            _columns_after(outcome, source, writes, sealed_writes, secret_key=settings.secret_key)
            for outcome, source in zip(outcomes, sources, strict=True)
        ]
        with session_scope(runtime.engine) as session:
            for (photo_id, key), columns in zip(present, changes, strict=True):
                # Matched on the source key: a row changed meanwhile is left for the next round.
                session.execute(
                    update(ReportPhoto)
                    .where(col(ReportPhoto.id) == photo_id, col(ReportPhoto.display_key) == key)
                    .values(**columns)
                )
            session.commit()
    return sum(columns["redaction"] == PhotoRedaction.REDACTED for columns in changes)


def _columns_after(
    outcome: RedactedCopies | PhotoError,
    source: bytes,
    writes: StagedWrites,
    sealed_writes: StagedWrites,
    *,
    secret_key: str,
) -> dict[str, Any]:
    """A photo row's new columns once its stored display copy (`source`) went through redaction."""
    if isinstance(outcome, PhotoError):
        return redaction_columns(Redaction(failure=outcome.message.render("en")))
    if outcome.display is None or outcome.thumbnail is None:
        # Nothing pixelated (or a failure): the stored copies stay as they are.
        return redaction_columns(outcome.redaction)
    # The unredacted copy sealed is the stored one itself, not a second encode of it.
    files = store_copies(
        writes,
        sealed_writes,
        outcome.display,
        outcome.thumbnail,
        unredacted=source,
        secret_key=secret_key,
    )
    return {**asdict(files), **redaction_columns(outcome.redaction)}


def _region(box: Box) -> dict[str, object]:
    return {
        "kind": box.kind,
        "score": box.score,
        "box": [box.left, box.top, box.right, box.bottom],
    }


async def redact_waiting_photos_periodically(runtime: Runtime) -> None:
    """Redact waiting photos at start-up, then every five minutes, until cancelled."""
    while True:
        try:
            redacted = await anyio.to_thread.run_sync(lambda: redact_waiting_photos(runtime))
        except ServiceUnavailable:
            pass  # the image pool is busy with uploads, which come first: try next round
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("photo redaction failed")
        else:
            if redacted:
                log.info("photos redacted", extra={"photos": redacted})
        await asyncio.sleep(REDACTION_CHECK_SECONDS)
