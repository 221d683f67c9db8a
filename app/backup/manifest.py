"""manifest.json: what a backup holds, and the SHA-256 of every file in it."""

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.backup.errors import BackupError

MANIFEST_NAME = "manifest.json"
FORMAT = "tantou-backup"
FORMAT_VERSION = 1
_CHUNK_BYTES = 1024 * 1024
# The only paths a backup may name: its database file and content-addressed photos. Anything
# else in a manifest (../, absolute paths) is refused before a byte is restored.
_SAFE_PATH = re.compile(
    r"database\.(sqlite3|pgdump)|photos/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.jpg"
)


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup directory, with "/"
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Counts:
    tables: dict[str, int]  # rows of every table, as the snapshot holds them
    photo_files: int
    photo_bytes: int


@dataclass(frozen=True)
class Manifest:
    created_at: str  # ISO 8601 with offset
    tantou_version: str
    database_kind: str  # "sqlite" or "postgresql"
    database_file: str
    migration_revision: str
    counts: Counts
    files: list[FileEntry] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        try:
            raw: dict[str, Any] = json.loads(text)
            if raw.get("format") != FORMAT:
                raise BackupError("不是 Tantou 备份 / not a Tantou backup manifest")
            if raw.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"备份格式版本 {raw.get('format_version')} 不受支持 / "
                    f"backup format version {raw.get('format_version')} is not supported "
                    f"(this Tantou reads version {FORMAT_VERSION})"
                )
            files = [FileEntry(**entry) for entry in raw.pop("files")]
            counts = Counts(**raw.pop("counts"))
            return cls(files=files, counts=counts, **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BackupError(f"清单无法读取 / the manifest cannot be read: {exc}") from exc


def hash_file(path: Path) -> tuple[int, str]:
    """The size and SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def file_entry(root: Path, path: Path) -> FileEntry:
    """The manifest entry of a file already written under the backup root."""
    size, sha256 = hash_file(path)
    return FileEntry(path=path.relative_to(root).as_posix(), bytes=size, sha256=sha256)


def write_manifest(root: Path, manifest: Manifest) -> None:
    """Write manifest.json last and atomically: a backup without one is unfinished."""
    temporary = root / f".{MANIFEST_NAME}.tmp"
    with temporary.open("w", encoding="utf-8") as file:
        file.write(manifest.to_json())
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, root / MANIFEST_NAME)


def read_verified_manifest(root: Path) -> Manifest:
    """The manifest of the backup at root, once every file it names is there, intact."""
    try:
        text = (root / MANIFEST_NAME).read_text(encoding="utf-8")
    except OSError as exc:
        raise BackupError(
            f"{root} 中没有可读的 {MANIFEST_NAME}(备份未完成?) / "
            f"no readable {MANIFEST_NAME} in {root} (an unfinished backup?): {exc}"
        ) from exc
    manifest = Manifest.from_json(text)
    paths = [entry.path for entry in manifest.files]
    if manifest.database_file not in paths or len(set(paths)) != len(paths):
        raise BackupError("清单的文件列表不完整 / the manifest's file list is inconsistent")
    for entry in manifest.files:
        _verify(root, entry)
    return manifest


def _verify(root: Path, entry: FileEntry) -> None:
    if not _SAFE_PATH.fullmatch(entry.path):
        raise BackupError(
            f"清单中有不允许的路径 / the manifest names a forbidden path: {entry.path}"
        )
    try:
        size, sha256 = hash_file(root / entry.path)
    except OSError as exc:
        raise BackupError(f"备份文件缺失 / a backup file is missing: {entry.path}") from exc
    if (size, sha256) != (entry.bytes, entry.sha256):
        raise BackupError(
            f"备份文件已损坏或被改动 / a backup file is damaged or altered: {entry.path} "
            f"(SHA-256 {sha256}, the manifest says {entry.sha256})"
        )
