"""The rider app's shell as files: what sw.js must precache, and the version that names them.

The shell is the rider app's own files (served at `/`) plus the modules both apps share (served at
`/shared/`)."""

import hashlib
import re
from pathlib import Path

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"
RIDER_DIR = FRONTEND_DIR / "rider"
SHARED_DIR = FRONTEND_DIR / "shared"
SERVICE_WORKER = RIDER_DIR / "sw.js"
SHELL_SUFFIXES = {".js", ".css", ".png", ".webmanifest"}


def _shell_files() -> dict[str, Path]:
    """Every file the shell is made of, by URL path ("/" stands for index.html)."""
    files = {"/": RIDER_DIR / "index.html"}
    for directory, prefix in ((RIDER_DIR, "/"), (SHARED_DIR, "/shared/")):
        for path in directory.rglob("*"):
            if path.is_file() and path.suffix in SHELL_SUFFIXES and path != SERVICE_WORKER:
                files[prefix + path.relative_to(directory).as_posix()] = path
    return files


def shell_paths_on_disk() -> set[str]:
    """URL paths of every file the shell is made of."""
    return set(_shell_files())


def precached_paths() -> list[str]:
    """The SHELL list of sw.js."""
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block, "sw.js has no SHELL list"
    return re.findall(r'"([^"]+)"', block.group(1))


def declared_version() -> str:
    """The VERSION constant of sw.js."""
    match = re.search(r'const VERSION = "([^"]+)";', SERVICE_WORKER.read_text(encoding="utf-8"))
    assert match, "sw.js has no VERSION"
    return match.group(1)


def expected_version() -> str:
    """shell-<first 8 hex of SHA-256 over the shell files' paths and bytes>."""
    digest = hashlib.sha256()
    for url_path, file in sorted(_shell_files().items()):
        digest.update(url_path.encode() + b"\0" + file.read_bytes() + b"\0")
    return f"shell-{digest.hexdigest()[:8]}"
