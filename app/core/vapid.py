"""The VAPID key pair (RFC 8292) that signs Web Push requests: set by TANTOU_VAPID_PRIVATE_KEY,
else made on first use and kept in the data dir like the secret key (app/core/secret_key.py),
so that every process signs with the same key and subscriptions survive restarts."""

import base64
import logging
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, VapidException

from app.core.secret_key import keep_once, read_private

log = logging.getLogger("tantou.config")
VAPID_KEY_FILE = "vapid_private_key"
# A push service refuses a token that lives longer than 24 hours; 12 leaves room for clock skew.
TOKEN_LIFETIME_S = 12 * 3600


def b64url(raw: bytes) -> str:
    """Unpadded base64url, the encoding of every key in Web Push."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh P-256 private key as base64url of its 32 raw bytes."""
    private = ec.generate_private_key(ec.SECP256R1())
    return b64url(private.private_numbers().private_value.to_bytes(32, "big"))


def load_or_create_vapid_key(data_dir: Path) -> str:
    """The key kept in `data_dir`, made now (and logged once) if there is none."""
    path = data_dir / VAPID_KEY_FILE
    if not path.exists() and keep_once(path, new_private_key()):
        log.warning("TANTOU_VAPID_PRIVATE_KEY is not set: made a new VAPID key in %s", path)
    return check_private_key(read_private(path))


def check_private_key(private_key: str) -> str:
    """The key if it is a P-256 private key (base64url raw or DER); ValueError if not."""
    try:
        _vapid(private_key)
    except (VapidException, ValueError, TypeError) as exc:
        raise ValueError(
            "TANTOU_VAPID_PRIVATE_KEY must be a P-256 private key in base64url (raw 32 bytes "
            f"or DER): {exc}"
        ) from None
    return private_key


def public_key(private_key: str) -> str:
    """The application server key browsers subscribe with: the uncompressed public point."""
    point = _vapid(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def authorization(
    private_key: str, endpoint: str, *, subject: str, now_s: float | None = None
) -> str:
    """The `Authorization: vapid t=…, k=…` header for a push to `endpoint`: a JWT (ES256) for
    the endpoint's origin, signed with the key, naming `subject` (the operator's contact)."""
    parts = urlsplit(endpoint)
    claims: dict[str, str | int] = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(now_s if now_s is not None else time.time()) + TOKEN_LIFETIME_S,
        "sub": subject,
    }
    header: str = _vapid(private_key).sign(claims)["Authorization"]
    return header


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key)
