"""Signed photo URLs: an <img> cannot send a bearer token, so the URL itself carries the right.

A URL names one stored file (its content key) and an expiry, signed with an HMAC of the app's
secret. Expiries are rounded up to a day boundary so that a photo keeps the same URL for a whole
day and the browser's cache keeps working; a URL is valid for one to two days after it is issued.
Whoever holds a URL can fetch that file until it expires: URLs are only handed to callers who may
see the report, and the files carry no location or device metadata.
"""

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import urlencode

PHOTO_PATH_PREFIX = "/api/v1/photos"
DAY_S = 86_400
# Keeps photo signatures apart from anything else ever signed with the same secret.
_SIGNING_CONTEXT = b"tantou photo url v1"
_SIGNATURE_HEX_CHARS = 32  # 128 bits


def photo_url_expiry(now_s: float) -> int:
    """The expiry (Unix seconds) of URLs issued at `now_s`: the next day boundary plus a day."""
    return (int(now_s) // DAY_S + 2) * DAY_S


def photo_signature(key: str, expires_s: int, *, secret_key: str) -> str:
    """The hex HMAC that lets a URL fetch file `key` until `expires_s`."""
    message = f"{key}.{expires_s}".encode()
    digest = hmac.new(_signing_key(secret_key), message, hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_HEX_CHARS]


@functools.lru_cache(maxsize=4)
def _signing_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _SIGNING_CONTEXT, hashlib.sha256).digest()


def photo_url(key: str, *, secret_key: str, now_s: float) -> str:
    """The signed, same-origin URL of stored file `key`."""
    expires_s = photo_url_expiry(now_s)
    query = urlencode(
        {"exp": expires_s, "sig": photo_signature(key, expires_s, secret_key=secret_key)}
    )
    return f"{PHOTO_PATH_PREFIX}/{key}.jpg?{query}"


def is_valid_photo_signature(
    key: str, expires_s: int, signature: str, *, secret_key: str, now_s: float
) -> bool:
    """Whether `signature` was issued for `key` and `expires_s`, and has not expired."""
    if expires_s <= now_s:
        return False
    expected = photo_signature(key, expires_s, secret_key=secret_key)
    return hmac.compare_digest(expected, signature)


def photo_url_signer(secret_key: str) -> Callable[[str], str]:
    """A function that signs stored-file keys into URLs issued now."""
    return functools.partial(photo_url, secret_key=secret_key, now_s=time.time())
