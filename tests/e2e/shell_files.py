"""The rider app's shell as files: what sw.js must precache, and the version that names them."""

import hashlib
import re
from pathlib import Path

RIDER_DIR = Path(__file__).resolve().parents[2] / "frontend" / "rider"
SERVICE_WORKER = RIDER_DIR / "sw.js"
SHELL_SUFFIXES = {".js", ".css", ".png", ".webmanifest"}


def shell_paths_on_disk() -> set[str]:
    """URL paths of every file the shell is made of ("/" stands for index.html)."""
    paths = {
        "/" + path.relative_to(RIDER_DIR).as_posix()
        for path in RIDER_DIR.rglob("*")
        if path.is_file() and path.suffix in SHELL_SUFFIXES and path != SERVICE_WORKER
    }
    return paths | {"/"}


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
    for url_path in sorted(shell_paths_on_disk()):
        file = RIDER_DIR / ("index.html" if url_path == "/" else url_path.lstrip("/"))
        digest.update(url_path.encode() + b"\0" + file.read_bytes() + b"\0")
    return f"shell-{digest.hexdigest()[:8]}"
