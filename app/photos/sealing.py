"""Sealed originals: the unredacted display copy of a redacted photo, encrypted at rest.

Kept for TANTOU_ORIGINAL_RETENTION_DAYS so that a coordinator can reveal one redacted region
with a reason (for example a plate, for law enforcement), then deleted. AES-256-GCM with a key
derived from the server's secret (HKDF-SHA256), a fresh nonce per file; the photo id is bound
in as associated data, so a sealed file copied onto another photo's row does not open. The
files live in their own store beside the photo store: no URL reaches them.
"""

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import Settings
from app.photos.storage import PhotoStore, store_area

_FORMAT = b"TSO1"  # Tantou sealed original, format 1
_NONCE_BYTES = 12
_KEY_CONTEXT = b"tantou sealed photo originals v1"


class BrokenSeal(Exception):
    """A sealed file that does not open with this server's key (damaged, or another key's)."""


def original_store(settings: Settings) -> PhotoStore:
    """The store of sealed originals, beside the served copies in the same store."""
    return store_area(settings, "originals")


def seal(original: bytes, *, secret_key: str, bound_to: str) -> bytes:
    """Encrypt `original`; `bound_to` must be given again to open it."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_sealing_key(secret_key)).encrypt(nonce, original, bound_to.encode())
    return _FORMAT + nonce + sealed


def unseal(sealed: bytes, *, secret_key: str, bound_to: str) -> bytes:
    """The original bytes; BrokenSeal when the file is not one this key sealed for `bound_to`."""
    if not sealed.startswith(_FORMAT):
        raise BrokenSeal("not a sealed original")
    nonce = sealed[len(_FORMAT) : len(_FORMAT) + _NONCE_BYTES]
    body = sealed[len(_FORMAT) + _NONCE_BYTES :]
    try:
        return AESGCM(_sealing_key(secret_key)).decrypt(nonce, body, bound_to.encode())
    except InvalidTag as error:
        raise BrokenSeal("the sealed original does not open with this key") from error


@functools.lru_cache(maxsize=4)
def _sealing_key(secret_key: str) -> bytes:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_CONTEXT)
    return derive.derive(secret_key.encode())
