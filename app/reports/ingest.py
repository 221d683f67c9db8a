"""A report's photos: limits on the uploads, the image work, and the files kept for serving."""

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import UploadFile

from app.core.config import Settings
from app.core.errors import AppError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from app.photos.pipeline import PhotoError, ProcessedPhoto, UnsupportedPhoto, process_photo
from app.photos.storage import PhotoStore, StagedWrites

PHOTO_FIELD = "photo"


@dataclass(frozen=True)
class StoredPhoto:
    """The files kept for one upload: an upright display copy and a thumbnail, by content key."""

    display_key: str
    thumbnail_key: str
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int


def photo_store(settings: Settings) -> PhotoStore:
    """The content-addressed store under the data dir."""
    return PhotoStore(settings.photo_dir)


def check_upload_sizes(
    sizes_bytes: Sequence[int], *, max_photos: int, max_photo_bytes: int
) -> None:
    """422 for too many photos, 413 for a photo over the byte limit; before any is read."""
    if len(sizes_bytes) > max_photos:
        raise Unprocessable.for_field(PHOTO_FIELD, f"at most {max_photos} photos per report")
    for index, size_bytes in enumerate(sizes_bytes):
        if size_bytes > max_photo_bytes:
            field = _field(index)
            message = f"a photo may have at most {max_photo_bytes} bytes"
            raise PayloadTooLarge(
                f"{field}: {message}", errors=[{"field": field, "message": message}]
            )


def process_uploads(photos: Sequence[bytes], *, max_pixels: int) -> list[ProcessedPhoto]:
    """Validate and convert every upload (CPU-bound; Pillow releases the GIL while it works).

    The first refused photo answers for the request: 415 when it is not an image we accept,
    422 when it is damaged or too large to decode.
    """
    processed = []
    for index, data in enumerate(photos):
        try:
            processed.append(process_photo(data, max_pixels=max_pixels))
        except PhotoError as error:
            raise _refusal(index, error) from None
    return processed


def store_photos(writes: StagedWrites, processed: Sequence[ProcessedPhoto]) -> list[StoredPhoto]:
    """Write the display copies and thumbnails; the caller's unit of work can take them back."""
    return [
        StoredPhoto(
            display_key=writes.put(photo.display.data),
            thumbnail_key=writes.put(photo.thumbnail.data),
            width=photo.display.width,
            height=photo.display.height,
            thumbnail_width=photo.thumbnail.width,
            thumbnail_height=photo.thumbnail.height,
        )
        for photo in processed
    ]


def _refusal(index: int, error: PhotoError) -> AppError:
    field = _field(index)
    errors = [{"field": field, "message": error.message}]
    if isinstance(error, UnsupportedPhoto):
        return UnsupportedMediaType(f"{field}: {error.message}", errors=errors)
    return Unprocessable(f"{field}: {error.message}", errors=errors)


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
