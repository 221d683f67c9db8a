"""The X-Tantou-Signature header: an HMAC-SHA256 of the raw body with the subscription's secret."""

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def sign_body(body: bytes, secret: str) -> str:
    """The header value for `body`: `sha256=<hex digest>`."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid_signature(body: bytes, secret: str, header: str) -> bool:
    """Whether `header` signs `body` with `secret` (compared in constant time)."""
    return hmac.compare_digest(sign_body(body, secret), header)
