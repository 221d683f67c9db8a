"""Storage keys, and the layout every photo store shares: `ab/cd/<key>.jpg` in each area."""

import hashlib
import re
from typing import Literal

# The served copies, and the sealed originals no URL reaches (app.photos.sealing).
StoreArea = Literal["photos", "originals"]
FILE_SUFFIX = ".jpg"
STAGED_SUFFIX = ".tmp"
_KEY = re.compile(r"[0-9a-f]{64}")


def content_key(data: bytes) -> str:
    """The storage key of some bytes: their SHA-256 as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def is_key(text: str) -> bool:
    """Whether `text` is a storage key (a SHA-256 as lowercase hex)."""
    return _KEY.fullmatch(text) is not None


def key_path(key: str) -> str:
    """The key's place in an area, `ab/cd/<key>.jpg`; ValueError unless it is a key."""
    if not is_key(key):
        raise ValueError(f"not a photo key: {key!r}")
    return f"{key[:2]}/{key[2:4]}/{key}{FILE_SUFFIX}"
