"""`tantou backup DIR` and `tantou restore DIR`: the database first, then the photos it names."""

import shutil
from importlib import metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from app.backup import database, photos
from app.backup.errors import BackupError
from app.backup.manifest import Counts, Manifest, file_entry, read_verified_manifest, write_manifest
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.migrations import alembic_config
from app.photos.storage import photo_store


def create_backup(settings: Settings, directory: Path) -> Manifest:
    """Write a consistent copy of the database and the photo store into an empty directory.

    Safe while the server runs: the database is copied as of one moment, and the photos after
    it, so every photo that moment references is in the copy. manifest.json is written last,
    so a directory without one is a backup that did not finish.
    """
    _prepare_empty_directory(directory)
    try:
        url = settings.resolved_database_url
        with database.snapshot_database(url, directory) as snapshot:
            revision = snapshot.migration_revision()
            table_rows = snapshot.table_rows()
            photo_files = photos.copy_store(photo_store(settings), directory)
            photos.refuse_missing(directory, snapshot.referenced_photo_keys())
        entries = [file_entry(directory, snapshot.file)]
        entries += [file_entry(directory, path) for path in photo_files]
        manifest = Manifest(
            created_at=utcnow().isoformat(),
            tantou_version=_tantou_version(),
            database_kind=snapshot.kind,
            database_file=snapshot.file.name,
            migration_revision=revision,
            counts=Counts(
                tables=table_rows,
                photo_files=len(photo_files),
                photo_bytes=sum(entry.bytes for entry in entries[1:]),
            ),
            files=entries,
        )
        write_manifest(directory, manifest)
    except BaseException:
        _empty(directory)  # half a backup looks like one; leave nothing that could be mistaken
        raise
    return manifest


def restore_backup(settings: Settings, directory: Path) -> Manifest:
    """Bring a backup back into an empty data dir and an empty database, or change nothing."""
    manifest = read_verified_manifest(directory)
    url = settings.resolved_database_url
    kind = database.database_kind(url)
    if manifest.database_kind != kind:
        raise BackupError(
            f"备份来自 {manifest.database_kind},目标是 {kind} / the backup holds a "
            f"{manifest.database_kind} database but TANTOU_DATABASE_URL names {kind}"
        )
    _refuse_unknown_revision(url, manifest.migration_revision)
    _refuse_non_empty_data_dir(settings.data_dir)
    database.refuse_non_empty_database(url)
    created_data_dir = not settings.data_dir.exists()
    try:
        photos.restore_store(directory, photo_store(settings))
        database.restore_database(url, directory / manifest.database_file, manifest.counts.tables)
    except BaseException:
        # The data dir was empty (or absent) before: everything in it now is this restore's.
        if created_data_dir:
            shutil.rmtree(settings.data_dir, ignore_errors=True)
        else:
            _empty(settings.data_dir)
        raise
    return manifest


def _prepare_empty_directory(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            f"备份目录不为空 / the backup directory is not empty: {directory}; "
            "give a new or empty directory for each backup"
        )
    # Owner only: a backup holds password hashes and riders' phone numbers.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


def _refuse_non_empty_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(
            f"数据目录不为空 / the data dir is not empty: {data_dir}; "
            "restore only into an empty or new TANTOU_DATA_DIR"
        )


def _refuse_unknown_revision(url: str, revision: str) -> None:
    try:
        ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
    except CommandError as exc:
        raise BackupError(
            f"备份的迁移版本 {revision} 不为本版本所知 / "
            f"the backup's migration revision {revision} "
            "is unknown to this Tantou: restore it with the version that made it, or a newer one"
        ) from exc


def _empty(directory: Path) -> None:
    for child in directory.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _tantou_version() -> str:
    try:
        return metadata.version("tantou")
    except metadata.PackageNotFoundError:
        return "unknown"
