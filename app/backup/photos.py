"""Copying the content-addressed photo store into a backup and back."""

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.backup.errors import BackupError
from app.photos.storage import FILE_SUFFIX, PhotoStore

PHOTOS_DIR = "photos"


def stored_keys(store: PhotoStore) -> Iterator[str]:
    """The key of every finished file in the store; staged `.tmp` files are not photos yet."""
    if not store.root.is_dir():
        return
    for path in sorted(store.root.glob(f"*/*/*{FILE_SUFFIX}")):
        key = path.name.removesuffix(FILE_SUFFIX)
        try:
            if store.path(key) == path:
                yield key
        except ValueError:  # not a photo key: some other file, not ours to copy
            continue


def copy_store(source: PhotoStore, backup_root: Path) -> list[Path]:
    """Copy every finished file of the store into the backup; the paths written.

    Runs after the database snapshot: a photo file is linked into place before the row that
    names it commits, and is never changed nor, while referenced, removed; so every file the
    snapshot references is there to copy now.
    """
    copy = PhotoStore(backup_root / PHOTOS_DIR, fsync=False)
    written = []
    made: set[Path] = set()
    for key in stored_keys(source):
        target = copy.path(key)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            shutil.copyfile(source.path(key), target)
        except FileNotFoundError:
            continue  # an orphan swept away meanwhile: a referenced file is never swept
        written.append(target)
    return written


def refuse_missing(backup_root: Path, referenced: Iterable[str]) -> None:
    """Every photo the database snapshot references must be in the backup."""
    copy = PhotoStore(backup_root / PHOTOS_DIR)
    missing = {key for key in referenced if not copy.exists(key)}
    if missing:
        raise BackupError(
            f"数据库引用的 {len(missing)} 个照片文件不在照片库中 / {len(missing)} photo files "
            f"the database references are not in the photo store (one: {min(missing)}); "
            "the backup is incomplete"
        )


def restore_store(backup_root: Path, target: PhotoStore) -> int:
    """Copy the backup's photos into the store, each written atomically; the files copied."""
    copy = PhotoStore(backup_root / PHOTOS_DIR)
    # One sync at the end rather than two per file: nothing serves from the store until the
    # restore has returned, and by then every file is on disk.
    unsynced = PhotoStore(target.root, fsync=False)
    count = 0
    for key in stored_keys(copy):
        # put() names the file by the bytes' own SHA-256, so a file can only land under its key.
        if unsynced.put(copy.read(key)) != key:
            raise BackupError(
                f"照片内容与文件名不符 / a photo's content does not match its name: {key}"
            )
        count += 1
    os.sync()
    return count
