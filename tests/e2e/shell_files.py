"""The rider app's shell as files: what sw.js must precache, and the version that names them.

The shell is the rider app's own files (served at `/`), the modules both apps share (served at
`/shared/`) and the map library `make build` copies into frontend/vendor/leaflet/ (`/vendor/`).
sw.js lists them in two groups: SHELL, cached at install, and MAP, cached once a logged-in rider
reaches the home screen."""

import hashlib
import re
from pathlib import Path

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"
RIDER_DIR = FRONTEND_DIR / "rider"
SHARED_DIR = FRONTEND_DIR / "shared"
VENDOR_MAP_DIR = FRONTEND_DIR / "vendor" / "leaflet"
SERVICE_WORKER = RIDER_DIR / "sw.js"
SHELL_SUFFIXES = {".js", ".css", ".png", ".webmanifest"}
# Leaflet's marker and layer images are not used: the maps draw SVG and a CSS pin.
VENDOR_SUFFIXES = {".js", ".css"}


def _shell_files() -> dict[str, Path]:
    """Every file the shell is made of, by URL path ("/" stands for index.html)."""
    files = {"/": RIDER_DIR / "index.html"}
    for directory, prefix in ((RIDER_DIR, "/"), (SHARED_DIR, "/shared/")):
        for path in directory.rglob("*"):
            if path.is_file() and path.suffix in SHELL_SUFFIXES and path != SERVICE_WORKER:
                files[prefix + path.relative_to(directory).as_posix()] = path
    for path in VENDOR_MAP_DIR.glob("*"):
        if path.suffix in VENDOR_SUFFIXES:
            files[f"/vendor/leaflet/{path.name}"] = path
    return files


def shell_paths_on_disk() -> set[str]:
    """URL paths of every file the shell is made of."""
    return set(_shell_files())


def listed_paths(name: str) -> list[str]:
    """A list of sw.js: SHELL (cached at install) or MAP (cached from the home screen)."""
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    block = re.search(rf"const {name} = \[(.*?)\];", source, re.S)
    assert block, f"sw.js has no {name} list"
    return re.findall(r'"([^"]+)"', block.group(1))


def precached_paths() -> list[str]:
    """Everything sw.js keeps: its SHELL and MAP lists."""
    return listed_paths("SHELL") + listed_paths("MAP")


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
