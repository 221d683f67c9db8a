"""Push subscriptions (one per device) and the outbox of notification deliveries."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class PushSubscription(SQLModel, table=True):
    """A browser's push subscription (PushSubscription.toJSON()), one per device of a rider."""

    __tablename__ = "push_subscription"
    __table_args__ = (Index("ix_push_subscription_account_id", "account_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    # Unique: a phone that another rider logs in on moves its subscription to them.
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)  # the device's P-256 public key, base64url
    auth: str = Field(max_length=100)  # the device's 16-byte auth secret, base64url
    user_agent: str = Field(default="", max_length=300)  # which device, for the rider's list
    created_at: datetime = time_field(default_factory=utcnow)


class DeliveryChannel(StrEnum):
    WEB_PUSH = "web_push"
    WECHAT = "wechat"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try or a retry
    DELIVERED = "delivered"  # the push service (or sender) answered 2xx
    # 404/410 from the WeChat sender: no binding or consent left. (A Web Push subscription its
    # push service answers so for is removed instead, with its deliveries.)
    GONE = "gone"
    FAILED = "failed"  # given up: refused (other 4xx) or no 2xx within the give-up time


class NotificationDelivery(SQLModel, table=True):
    """One notification for one channel target: written in the transaction of the notification,
    then sent (and retried) by the delivery worker, which leases it while sending."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        Index("ix_notification_delivery_due", "status", "next_attempt_at"),
        Index("ix_notification_delivery_subscription_id", "subscription_id"),
        Index("ix_notification_delivery_account_id", "account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: DeliveryChannel = enum_field(DeliveryChannel)
    account_id: int = Field(foreign_key="account.id")
    notification_id: int = Field(foreign_key="notification.id")
    subscription_id: int | None = Field(default=None, foreign_key="push_subscription.id")
    # What the device shows, fixed when the notification was made (app/push/payloads.py).
    payload: dict[str, object] = Field(sa_type=JSON)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime = time_field()
    locked_until: datetime | None = time_field(default=None, nullable=True)
    locked_by: str | None = Field(default=None, max_length=64)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_type=Text)
    delivered_at: datetime | None = time_field(default=None, nullable=True)
    created_at: datetime = time_field(default_factory=utcnow)
