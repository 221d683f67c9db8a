"""What the push endpoints take and give."""

import base64
import binascii
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, Field, field_validator

from app.core.messages import Message, MessageError

P256_POINT_BYTES = 65  # uncompressed: 0x04, x, y
AUTH_SECRET_BYTES = 16


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise MessageError(Message("push.not-base64url")) from None


class PushKeys(BaseModel):
    p256dh: str = Field(max_length=200, description="the device's P-256 public key, base64url")
    auth: str = Field(max_length=100, description="the device's 16-byte auth secret, base64url")

    @field_validator("p256dh")
    @classmethod
    def _p256_point(cls, value: str) -> str:
        raw = _b64url_bytes(value)
        try:
            if len(raw) != P256_POINT_BYTES:
                raise ValueError
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise MessageError(Message("push.not-p256-key", size=P256_POINT_BYTES)) from None
        return value

    @field_validator("auth")
    @classmethod
    def _auth_secret(cls, value: str) -> str:
        if len(_b64url_bytes(value)) != AUTH_SECRET_BYTES:
            raise MessageError(Message("push.auth-secret-size", size=AUTH_SECRET_BYTES))
        return value


class PushSubscriptionCreate(BaseModel):
    """A browser's PushSubscription.toJSON()."""

    endpoint: str = Field(max_length=1000, examples=["https://fcm.googleapis.com/fcm/send/…"])
    keys: PushKeys
    expirationTime: float | None = Field(default=None, description="ignored")  # noqa: N815


class PushSubscriptionPublic(BaseModel):
    id: int
    endpoint: str
    user_agent: str
    created_at: datetime


class PushSubscriptionList(BaseModel):
    items: list[PushSubscriptionPublic]


class PushKey(BaseModel):
    public_key: str = Field(
        description="the VAPID public key (applicationServerKey), base64url of the P-256 point"
    )
