"""Webhook subscriptions and their deliveries (the outbox)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field


class WebhookEvent(StrEnum):
    REPORT_CREATED = "report.created"
    REPORT_STATUS_CHANGED = "report.status_changed"
    TASK_CREATED = "task.created"
    TASK_STATUS_CHANGED = "task.status_changed"
    TASK_OVERDUE = "task.overdue"
    CASE_CLOSED = "case.closed"
    REPORT_RATED = "report.rated"


TASK_EVENTS = frozenset(
    {WebhookEvent.TASK_CREATED, WebhookEvent.TASK_STATUS_CHANGED, WebhookEvent.TASK_OVERDUE}
)
# The test button's event: sent to any subscription, whatever events it chose.
PING_EVENT = "ping"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try or a retry
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # given up: no 2xx within the give-up time


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: list[str] = Field(sa_type=JSON)
    # Kept as given: signing needs the secret itself. It is never shown back.
    secret: str = Field(max_length=200)
    community_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    unit_code: str | None = Field(default=None, foreign_key="unit.code", max_length=32)
    created_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: written in the transaction of the change it tells of,
    then sent (and retried) by the delivery worker, which leases it while sending."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        # "Is an earlier delivery of this report to this subscription still pending?"
        Index("ix_webhook_delivery_order", "subscription_id", "report_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(max_length=36, unique=True)  # the X-Tantou-Delivery header
    subscription_id: int = Field(foreign_key="webhook_subscription.id")
    event: str = Field(max_length=32)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    data: dict[str, object] = Field(sa_type=JSON)
    occurred_at: datetime = time_field()
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime = time_field()
    locked_until: datetime | None = time_field(default=None, nullable=True)
    locked_by: str | None = Field(default=None, max_length=64)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_type=Text)
    last_response_ms: float | None = None
    delivered_at: datetime | None = time_field(default=None, nullable=True)
    created_at: datetime = time_field(default_factory=utcnow)
