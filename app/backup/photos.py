"""Copying the content-addressed photo store (a directory or a bucket) into a backup and back.

A backup always holds its photos as files, so it restores into either kind of store.
"""

import os
from collections.abc import Iterable
from pathlib import Path

from app.backup.errors import BackupError
from app.photos.file_store import FileStore
from app.photos.storage import PhotoStore

PHOTOS_DIR = "photos"


def copy_store(source: PhotoStore, backup_root: Path) -> list[Path]:
    """Copy every finished photo of the store into the backup; the paths written.

    Runs after the database snapshot: a photo file is linked into place before the row that
    names it commits, and is never changed nor, while referenced, removed; so every file the
    snapshot references is there to copy now.
    """
    copy = FileStore(backup_root / PHOTOS_DIR, fsync=False)
    written = []
    made: set[Path] = set()
    for key in source.stored_keys():
        try:
            photo = source.read(key)
        except FileNotFoundError:
            continue  # an orphan swept away meanwhile: a referenced file is never swept
        target = copy.path(key)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(photo)
        written.append(target)
    return written


def refuse_missing(backup_root: Path, referenced: Iterable[str]) -> None:
    """Every photo the database snapshot references must be in the backup."""
    copy = FileStore(backup_root / PHOTOS_DIR)
    missing = {key for key in referenced if not copy.exists(key)}
    if missing:
        raise BackupError(
            f"数据库引用的 {len(missing)} 个照片文件不在照片库中 / {len(missing)} photo files "
            f"the database references are not in the photo store (one: {min(missing)}); "
            "the backup is incomplete"
        )


def restore_store(backup_root: Path, target: PhotoStore) -> int:
    """Copy the backup's photos into the store, each written atomically; the files copied."""
    copy = FileStore(backup_root / PHOTOS_DIR)
    # Into a directory, one sync at the end rather than two per file: nothing serves from the
    # store until the restore has returned, and by then every file is on disk.
    writer = FileStore(target.root, fsync=False) if isinstance(target, FileStore) else target
    count = 0
    for key in copy.stored_keys():
        # put() names the file by the bytes' own SHA-256, so a file can only land under its key.
        if writer.put(copy.read(key)) != key:
            raise BackupError(
                f"照片内容与文件名不符 / a photo's content does not match its name: {key}"
            )
        count += 1
    os.sync()
    return count
