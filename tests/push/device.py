"""A browser's side of Web Push, made in the test: the device's P-256 key pair and auth secret
(with `cryptography`), its subscription as PushSubscription.toJSON() gives it, and reading
what its push service received: the VAPID header checked and the message decrypted (RFC 8291,
with `http_ece`, independently of the server's code)."""

import base64
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.webhooks.receiver import Received


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """One phone: its endpoint at the push service, its private key and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        """PushSubscription.toJSON()."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, received: Received) -> dict[str, Any]:
        """The JSON message of one push request, decrypted with this device's keys."""
        assert received.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            received.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        message: dict[str, Any] = json.loads(plain)
        return message


def vapid_claims(received: Received, *, public_key: str) -> dict[str, Any]:
    """The claims of the request's `Authorization: vapid t=…, k=…`, after checking that `k` is
    the server's public key and `t` an ES256 token it signed, for the push service's origin,
    expiring within 24 hours (RFC 8292)."""
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == public_key
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    origin = "http://" + received.headers["host"]
    claims: dict[str, Any] = jwt.decode(
        values["t"], key=point, algorithms=["ES256"], audience=origin
    )
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    return claims
