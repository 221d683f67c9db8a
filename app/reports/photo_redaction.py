"""What redaction did to each photo, and the job that redacts photos still waiting for it.

Uploads are redacted as they are converted (app/photos/redaction.py). Two kinds of photo wait:
those stored before redaction existed (`unchecked`) and those whose detectors failed
(`needs_check`); neither is served. The job, run under a lease by one process of all, converts
their stored display copy again, which redacts it, swaps the row over to the new files (the
photo sweep later removes the unredacted ones) and leaves failures waiting for the next round.
"""

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import TypedDict

import anyio.to_thread
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.db import session_scope
from app.core.errors import ServiceUnavailable
from app.core.metrics import measured_job
from app.core.runtime import Runtime
from app.photos.detectors import Box
from app.photos.intake import StoredPhoto, image_pool_of, pixel_limits, store_photos
from app.photos.pipeline import PhotoError, ProcessedPhoto
from app.photos.sealing import original_store
from app.photos.storage import photo_store
from app.reports.models import PhotoRedaction, ReportPhoto

log = logging.getLogger("tantou.photo_redaction")
REDACTION_CHECK_SECONDS = 300
REDACT_BATCH_PHOTOS = 8


class StoredPhotoColumns(TypedDict):
    display_key: str
    thumbnail_key: str
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    original_key: str | None
    redaction: PhotoRedaction
    redacted_regions: list[dict[str, object]]
    redaction_failure: str | None


def stored_photo_columns(stored: StoredPhoto) -> StoredPhotoColumns:
    """The photo row's columns for its stored files and what redaction did to them."""
    failed = stored.redaction.failure is not None
    return {
        "display_key": stored.display_key,
        "thumbnail_key": stored.thumbnail_key,
        "width": stored.width,
        "height": stored.height,
        "thumbnail_width": stored.thumbnail_width,
        "thumbnail_height": stored.thumbnail_height,
        "original_key": stored.original_key,
        "redaction": PhotoRedaction.NEEDS_CHECK if failed else PhotoRedaction.REDACTED,
        "redacted_regions": [_region(box) for box in stored.redaction.boxes],
        "redaction_failure": stored.redaction.failure,
    }


@measured_job("photo_redaction")
def redact_waiting_photos(runtime: Runtime) -> int:
    """Redact every photo waiting for redaction, a batch at a time; how many were redacted."""
    redacted = 0
    after_id = 0
    while True:
        with session_scope(runtime.engine, write=False) as session:
            rows = session.exec(
                select(ReportPhoto.id, ReportPhoto.display_key)
                .where(col(ReportPhoto.redaction) != PhotoRedaction.REDACTED)
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
    outcomes = image_pool_of(runtime).process(sources, pixel_limits(settings))
    redacted = 0
    with (
        store.staged() as writes,
        original_store(settings).staged() as sealed_writes,
        session_scope(runtime.engine) as session,
    ):
        for (photo_id, key), outcome in zip(present, outcomes, strict=True):
            if isinstance(outcome, PhotoError) or outcome.redaction.failure is not None:
                _record_failure(session, photo_id, outcome)
                continue
            (stored,) = store_photos(
                writes, sealed_writes, [outcome], secret_key=settings.secret_key
            )
            # Matched on the source key: a row changed meanwhile is left for the next round.
            session.execute(
                update(ReportPhoto)
                .where(col(ReportPhoto.id) == photo_id, col(ReportPhoto.display_key) == key)
                .values(**stored_photo_columns(stored))
            )
            redacted += 1
        session.commit()
    return redacted


def _record_failure(session: Session, photo_id: int, outcome: ProcessedPhoto | PhotoError) -> None:
    failure = outcome.message if isinstance(outcome, PhotoError) else outcome.redaction.failure
    session.execute(
        update(ReportPhoto)
        .where(col(ReportPhoto.id) == photo_id)
        .values(redaction=PhotoRedaction.NEEDS_CHECK, redaction_failure=(failure or "")[:200])
    )


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
