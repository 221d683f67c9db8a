"""The signing key made on first start when TANTOU_SECRET_KEY is not set.

It lives in the data dir, readable by its owner only. It is made with a hard link from a
private staging file, which fails if the key exists already: of several processes starting at
once (`tantou serve` and its workers, or two hosts sharing the data dir), exactly one makes the
key and every one of them reads that same key. Other keys made on first start (the VAPID key of
Web Push) are kept the same way, with `keep_once` and `read_private`.
"""

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger("tantou.config")
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class SecretKeyError(ValueError):
    """The key file cannot be trusted (readable by others, or too short)."""


def load_or_create_secret_key(data_dir: Path) -> str:
    """The key kept in `data_dir`, made now (and logged once) if there is none."""
    path = data_dir / SECRET_KEY_FILE
    if not path.exists() and keep_once(path, secrets.token_urlsafe(48)):
        log.warning("TANTOU_SECRET_KEY is not set: made a new random secret key in %s", path)
    key = read_private(path)
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise SecretKeyError(f"{path} holds a key shorter than {MIN_SECRET_KEY_LENGTH} characters")
    return key


def keep_once(path: Path, text: str) -> bool:
    """Write `text` to `path`, readable by its owner only, unless the file exists already (or
    another process writes it first); True if this call wrote it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as staging:
            staging.write(text)
            staging.flush()
            os.fsync(staging.fileno())
        try:
            os.link(staged, path)
        except FileExistsError:
            return False  # another process made it first; theirs is the key
        return True
    finally:
        staged.unlink(missing_ok=True)


def read_private(path: Path) -> str:
    """The key kept in `path`; SecretKeyError if others may read it."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(f"{path} must be readable by its owner only (chmod 600 {path})")
    return path.read_text(encoding="ascii").strip()
