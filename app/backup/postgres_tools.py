"""Finding and running PostgreSQL's own pg_dump and pg_restore."""

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from app.backup.errors import BackupError

# Debian and Ubuntu install each major version's client tools here, beside PATH's wrapper.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_tool(
    name: str, *, search_path: str | None = None, bin_glob: str = DEBIAN_BIN_GLOB
) -> Path:
    """pg_dump or pg_restore: on PATH first, else the newest under /usr/lib/postgresql."""
    if found := shutil.which(name, path=search_path):
        return Path(found)
    folders = sorted(glob.glob(bin_glob), key=_major_version, reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"找不到 {name} / {name} was not found on PATH or under {bin_glob}: PostgreSQL backups "
        f"need PostgreSQL's client tools, at least the server's version "
        f"(Debian/Ubuntu: apt-get install postgresql-client)"
    )


def run_tool(name: str, arguments: Sequence[str], database_url: str) -> None:
    """Run a PostgreSQL tool against the database of a SQLAlchemy URL; BackupError on failure.

    The password goes in PGPASSWORD, not on the command line, where `ps` would show it.
    """
    url = make_url(database_url)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string()
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    command = [str(find_tool(name)), *arguments, f"--dbname={conninfo}"]
    result = subprocess.run(  # noqa: S603  (a fixed tool, arguments from the settings)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{name} 失败 / {name} failed: {result.stderr.strip()}")


def _major_version(folder: str) -> int:
    match = re.search(r"/(\d+)/bin$", folder)
    return int(match.group(1)) if match else 0
