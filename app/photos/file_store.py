"""The photo store in a local directory (the embedded default): one file per distinct content."""

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.photos.keys import FILE_SUFFIX, STAGED_SUFFIX, content_key, is_key, key_path

# A file the sweep has set aside while it checks that no writer reused it (see remove_stale).
_SET_ASIDE_SUFFIX = ".sweep" + STAGED_SUFFIX


class FileStore:
    """Files at root/ab/cd/<key>.jpg, written atomically and never overwritten."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync

    def path(self, key: str) -> Path:
        """Where the file for `key` lives; ValueError unless key is a SHA-256 hex digest."""
        return self.root / key_path(key)

    def put(self, data: bytes) -> str:
        """Store `data` and return its key; storing the same bytes again changes nothing."""
        key = content_key(data)
        self._put(data, key)
        return key

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError if there are none."""
        return self.path(key).read_bytes()

    def check_reachable(self) -> None:
        """Raise PermissionError unless the directory (made if missing) takes new files."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"photo directory {self.root} is not writable")

    def delete(self, key: str) -> None:
        """Remove the file under `key`, if any."""
        self.path(key).unlink(missing_ok=True)

    def remove_stale(self, key: str, *, unused_since_ns: int) -> bool:
        """Remove the file under `key` unless a writer has stored or reused it since the cutoff.

        For the sweep, whose look-up of references may be stale by the time it deletes: the file
        is first set aside by a rename (a writer arriving later finds none and writes it anew),
        and put back if its mtime shows a writer reused it before the rename.
        """
        path = self.path(key)
        set_aside = path.with_name(f".{key}{_SET_ASIDE_SUFFIX}")
        try:
            os.rename(path, set_aside)
        except FileNotFoundError:
            return False
        if set_aside.stat().st_mtime_ns >= unused_since_ns:
            _restore(set_aside, path)
            return False
        set_aside.unlink()
        return True

    def sweep_directory(self, prefix: str, *, older_than_ns: int) -> tuple[int, list[str]]:
        """Under root/<prefix>: remove staged files older than the cutoff (put back any file a
        crashed sweep set aside), and list the keys of stored files older than it.

        Returns the number of staged files removed and the old keys.
        """
        removed, old_keys = 0, []
        for directory in os.scandir(self.root / prefix):
            for entry in os.scandir(directory.path):
                if entry.name.endswith(_SET_ASIDE_SUFFIX):
                    key = entry.name[1 : -len(_SET_ASIDE_SUFFIX)]
                    if is_key(key):
                        _restore(Path(entry.path), self.path(key))
                        continue
                try:
                    modified_ns = entry.stat().st_mtime_ns
                except FileNotFoundError:
                    continue  # a writer's staged file, gone since the listing
                if modified_ns >= older_than_ns:
                    continue
                if entry.name.endswith(STAGED_SUFFIX):
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
                elif entry.name.endswith(FILE_SUFFIX) and is_key(entry.name[:-4]):
                    old_keys.append(entry.name[:-4])
        return removed, old_keys

    def stored_keys(self) -> Iterator[str]:
        """The key of every finished file, in key order; staged `.tmp` files are not photos yet."""
        for prefix in self.prefixes():
            for path in sorted((self.root / prefix).glob(f"*/*{FILE_SUFFIX}")):
                key = path.name.removesuffix(FILE_SUFFIX)
                if is_key(key) and self.path(key) == path:
                    yield key

    def prefixes(self) -> list[str]:
        """The first-level directories of the store (two hex digits each), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in os.scandir(self.root) if entry.is_dir())

    @contextmanager
    def staged(self) -> Iterator["FileStagedWrites"]:
        """A unit of work: files it created are removed again if the block raises."""
        writes = FileStagedWrites(self)
        try:
            yield writes
        except BaseException:
            writes.rollback()
            raise

    def _put(self, data: bytes, key: str) -> os.stat_result | None:
        """Store `data` under `key` (its content_key); the file's stat if this call created it."""
        path = self.path(key)
        while not self._reuse_existing(path):
            created = self._create(path, data)
            if created is not None:
                return created
        return None

    def _create(self, path: Path, data: bytes) -> os.stat_result | None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A temporary file in the same directory, then a hard link: readers never see a partial
        # file, and unlike os.replace a link never clobbers, so exactly one writer creates a key.
        temporary = path.with_name(f".{path.stem}.{secrets.token_hex(8)}.tmp")
        try:
            with temporary.open("xb") as file:
                file.write(data)
                file.flush()
                if self.fsync:
                    os.fsync(file.fileno())
                # Taken after the last write and before the link, so it is the identity of the
                # file as created, and no reuse by another writer can slip into it.
                created = os.fstat(file.fileno())
            os.link(temporary, path)
        except FileExistsError:
            return None
        finally:
            temporary.unlink(missing_ok=True)
        if self.fsync:
            _fsync_directory(path.parent)
        return created

    @staticmethod
    def _reuse_existing(path: Path) -> bool:
        try:
            stat = path.stat()
            # Move the mtime forward: a concurrent StagedWrites that created this file and then
            # rolls back sees it was reused since, and keeps it for the request now relying on it.
            os.utime(path, ns=(stat.st_atime_ns, max(time.time_ns(), stat.st_mtime_ns + 1)))
        except FileNotFoundError:
            return False
        return True


class FileStagedWrites:
    """The files put during one unit of work, so a failed commit can take back the new ones."""

    def __init__(self, store: FileStore) -> None:
        self._store = store
        self._created: dict[str, tuple[int, int]] = {}

    @property
    def created_keys(self) -> list[str]:
        """Keys whose files this unit of work created (not ones that were already stored)."""
        return list(self._created)

    def put(self, data: bytes) -> str:
        """Store `data` like FileStore.put, remembering whether this unit created the file."""
        key = content_key(data)
        if key in self._created:
            return key
        created = self._store._put(data, key)
        if created is not None:
            self._created[key] = (created.st_ino, created.st_mtime_ns)
        return key

    def rollback(self) -> None:
        """Delete the files this unit created, except any another writer has stored since."""
        for key, identity in self._created.items():
            path = self._store.path(key)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if (stat.st_ino, stat.st_mtime_ns) == identity:
                path.unlink(missing_ok=True)
        self._created.clear()


def _restore(set_aside: Path, path: Path) -> None:
    # A link never clobbers: if a writer has meanwhile stored the same content, keep theirs.
    with suppress(FileExistsError):
        os.link(set_aside, path)
    set_aside.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    # Makes the new directory entry itself durable, not only the file's bytes.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
