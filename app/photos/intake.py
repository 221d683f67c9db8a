"""Photo intake for every upload (reports, task results, verifications): limits on the uploads,
the image work in the pool, and the files kept for serving, staged with the rows that use them."""

import queue
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from fastapi import UploadFile
from sqlmodel import Session

from app.core.config import Settings
from app.core.db import session_scope
from app.core.errors import AppError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from app.core.messages import Message
from app.core.runtime import Runtime
from app.photos.pipeline import (
    DerivedImage,
    PhotoError,
    PixelLimits,
    ProcessedPhoto,
    UnsupportedPhoto,
    decoded_pixels,
)
from app.photos.pool import ImagePool
from app.photos.redaction import Redaction
from app.photos.sealing import original_store, seal
from app.photos.storage import StagedWrites, photo_store

PHOTO_FIELD = "photo"
IMAGE_POOL_CACHE = "image_pool"
REDACTION_QUEUE_CACHE = "redaction_queue"
T = TypeVar("T")


@dataclass(frozen=True)
class StoredFiles:
    """The files kept for one photo: an upright display copy and a thumbnail, by content key,
    with their sizes, and the sealed unredacted copy when redaction changed the display copy.
    Each field is the photo row's column of the same name."""

    display_key: str
    thumbnail_key: str
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    original_key: str | None  # in the originals store


@dataclass(frozen=True)
class StoredPhoto:
    """One upload's stored files, what redaction did to them (None: not yet redacted) and the
    perceptual hash of its picture."""

    files: StoredFiles
    redaction: Redaction | None
    phash: str


def take_in_photos(
    runtime: Runtime, photos: Sequence[bytes], write: Callable[[Session, list[StoredPhoto]], T]
) -> T:
    """The one photo unit of work: convert the photos in the image pool, stage their files, then
    `write(session, stored)` the rows that use them in a short write session of its own, and
    commit it. Files first, then rows: if `write` raises, the files this call created are
    removed again (not ones already stored). Once committed, the photos wait in this process's
    redaction queue: redaction is not the request's work.

    Call it with no transaction open: the image work must not hold a connection or a lock.
    """
    return stage_photos(runtime, process_uploads(runtime, photos), write)


def stage_photos(
    runtime: Runtime,
    processed: Sequence[ProcessedPhoto],
    write: Callable[[Session, list[StoredPhoto]], T],
) -> T:
    """The second half of take_in_photos, for callers that look at the converted photos first
    (a report is placed by its photo's GPS before it is inserted)."""
    settings = runtime.settings
    with (
        photo_store(settings).staged() as writes,
        original_store(settings).staged() as sealed_writes,
    ):
        stored = store_photos(writes, sealed_writes, processed, secret_key=settings.secret_key)
        with session_scope(runtime.engine) as session:
            result = write(session, stored)
            session.commit()
    waiting = redaction_queue_of(runtime)
    for photo in stored:
        if photo.redaction is None:
            waiting.put(photo.files.display_key)
    return result


def read_checked_uploads(settings: Settings, uploads: Sequence[UploadFile]) -> list[bytes]:
    """The uploads' bytes, once their count and sizes are within the limits (422/413 before
    any is read)."""
    check_upload_sizes(
        [upload_size_bytes(upload) for upload in uploads],
        max_photos=settings.max_photos_per_report,
        max_photo_bytes=settings.max_photo_bytes,
    )
    return [upload.file.read() for upload in uploads]


def check_upload_sizes(
    sizes_bytes: Sequence[int], *, max_photos: int, max_photo_bytes: int
) -> None:
    """422 for too many photos, 413 for a photo over the byte limit; before any is read."""
    if len(sizes_bytes) > max_photos:
        raise Unprocessable.for_field(
            PHOTO_FIELD, Message("photos.too-many", max_photos=max_photos)
        )
    for index, size_bytes in enumerate(sizes_bytes):
        if size_bytes > max_photo_bytes:
            field = _field(index)
            raise PayloadTooLarge.for_field(
                field, Message("photos.too-large", max_bytes=max_photo_bytes)
            )


def process_uploads(runtime: Runtime, photos: Sequence[bytes]) -> list[ProcessedPhoto]:
    """Validate and convert every upload in the image pool, within the request's pixel budget;
    not yet redacted.

    Limits are checked from the headers before any decode. The first refused photo answers for
    the request: 415 when it is not an image we accept, 422 when it is damaged, over its pixel
    limit or over the request's; 503 with Retry-After when the pool is full.
    """
    settings = runtime.settings
    limits = pixel_limits(settings)
    budget = settings.max_request_pixels
    spent = 0
    for index, data in enumerate(photos):
        try:
            spent += decoded_pixels(data, limits)
        except PhotoError as error:
            raise _refusal(index, error) from None
        if spent > budget:
            raise Unprocessable.for_field(
                _field(index),
                Message("photos.request-pixels", megapixels=f"{budget / 1_000_000:g}"),
            )
    processed = []
    converted = image_pool_of(runtime).process(photos, limits, redact=False)
    for index, outcome in enumerate(converted):
        if isinstance(outcome, PhotoError):
            raise _refusal(index, outcome)
        processed.append(outcome)
    return processed


def pixel_limits(settings: Settings) -> PixelLimits:
    """The per-photo pixel limits the settings give."""
    return PixelLimits(
        per_photo=settings.max_photo_pixels, full_decode=settings.max_full_decode_pixels
    )


def image_pool_of(runtime: Runtime) -> ImagePool:
    """The runtime's image pool, made on first use (its workers start with the first photo)."""
    pool = runtime.caches.get(IMAGE_POOL_CACHE)
    if pool is None:
        settings = runtime.settings
        pool = runtime.caches.setdefault(
            IMAGE_POOL_CACHE,
            ImagePool(
                workers=settings.image_workers,
                queue=settings.image_queue,
                tasks_per_worker=settings.image_tasks_per_worker,
                retry_after_s=settings.image_retry_after_seconds,
            ),
        )
    assert isinstance(pool, ImagePool)
    return pool


def redaction_queue_of(runtime: Runtime) -> "queue.Queue[str]":
    """The display keys of photos this process stored unredacted, for its redaction worker."""
    waiting = runtime.caches.setdefault(REDACTION_QUEUE_CACHE, queue.Queue())
    assert isinstance(waiting, queue.Queue)
    return waiting


def close_image_pool(runtime: Runtime) -> None:
    """Stop the runtime's image workers, if any were started."""
    pool = runtime.caches.pop(IMAGE_POOL_CACHE, None)
    if isinstance(pool, ImagePool):
        pool.shutdown()


def store_photos(
    writes: StagedWrites,
    sealed_writes: StagedWrites,
    processed: Sequence[ProcessedPhoto],
    *,
    secret_key: str,
) -> list[StoredPhoto]:
    """Write the display copies and thumbnails, and seal the originals of redacted ones; the
    caller's unit of work can take them all back."""
    return [
        StoredPhoto(
            store_copies(
                writes,
                sealed_writes,
                photo.display,
                photo.thumbnail,
                unredacted=None if photo.original is None else photo.original.data,
                secret_key=secret_key,
            ),
            photo.redaction,
            photo.phash,
        )
        for photo in processed
    ]


def store_copies(
    writes: StagedWrites,
    sealed_writes: StagedWrites,
    display: DerivedImage,
    thumbnail: DerivedImage,
    *,
    unredacted: bytes | None,
    secret_key: str,
) -> StoredFiles:
    """Write one photo's display copy and thumbnail, and seal its unredacted display copy (if
    redaction changed it) bound to the new display key."""
    display_key = writes.put(display.data)
    return StoredFiles(
        display_key=display_key,
        thumbnail_key=writes.put(thumbnail.data),
        width=display.width,
        height=display.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
        original_key=None
        if unredacted is None
        else sealed_writes.put(seal(unredacted, secret_key=secret_key, bound_to=display_key)),
    )


def _refusal(index: int, error: PhotoError) -> AppError:
    if isinstance(error, UnsupportedPhoto):
        return UnsupportedMediaType.for_field(_field(index), error.message)
    return Unprocessable.for_field(_field(index), error.message)


def _field(index: int) -> str:
    return f"{PHOTO_FIELD}[{index}]"


def upload_size_bytes(upload: UploadFile) -> int:
    """An upload's size, measured when the client did not declare it."""
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size
