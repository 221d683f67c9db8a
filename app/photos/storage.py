"""Content-addressed photo storage: one object per distinct content, named by its SHA-256.

Two stores keep the same layout (app.photos.keys) behind one interface: a local directory under
the data dir (the embedded default, app.photos.file_store) and any S3-compatible object store
(app.photos.s3_store), chosen by TANTOU_PHOTO_STORE. Each has two areas: the served copies
(`photos`) and the sealed originals (`originals`, see app.photos.sealing), which no URL reaches.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from app.core.config import Settings
from app.photos.file_store import FileStore
from app.photos.keys import StoreArea
from app.photos.s3_store import S3Store


class StagedWrites(Protocol):
    """The objects put during one unit of work (see PhotoStore.staged)."""

    def put(self, data: bytes) -> str:
        """Store `data` and return its key, as PhotoStore.put."""
        ...


class PhotoStore(Protocol):
    """What every caller (uploads, redaction, the sweep, serving, backups) needs of a store."""

    def put(self, data: bytes) -> str:
        """Store `data` and return its key; storing the same bytes again changes nothing."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError if there are none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object under `key`, if any."""
        ...

    def remove_stale(self, key: str, *, unused_since_ns: int) -> bool:
        """Remove the object under `key` unless a writer has stored it again since the cutoff;
        whether it was removed (for the sweep, whose look-up of references may be stale)."""
        ...

    def prefixes(self) -> list[str]:
        """The first-level prefixes in use (two hex digits each), sorted."""
        ...

    def sweep_directory(self, prefix: str, *, older_than_ns: int) -> tuple[int, list[str]]:
        """Under one first-level prefix: remove staged leftovers older than the cutoff, and list
        the keys of objects stored before it. The number removed and those keys."""
        ...

    def stored_keys(self) -> Iterator[str]:
        """The key of every finished object, in key order."""
        ...

    def staged(self) -> AbstractContextManager[StagedWrites]:
        """A unit of work whose new objects a failure in the block may take back."""
        ...

    def check_reachable(self) -> None:
        """Raise unless the store answers and may be written to (for /readyz)."""
        ...


def photo_store(settings: Settings) -> PhotoStore:
    """The store of served copies (the one every upload, the sweep, the photo route and
    backups use)."""
    return store_area(settings, "photos")


def store_area(settings: Settings, area: StoreArea) -> PhotoStore:
    """One area of the configured store: a directory under the data dir, or a prefix in S3."""
    if settings.photo_store == "file":
        return FileStore(settings.photo_dir if area == "photos" else settings.data_dir / area)
    return S3Store.for_area(settings, area)
