"""The JSON shapes of webhook subscriptions and their delivery log."""

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

SECRET_MIN_CHARS = 16


class WebhookCreate(BaseModel):
    url: str = Field(max_length=2000, examples=["https://hotline.example.gov.cn/tantou/hook"])
    events: list[WebhookEvent] = Field(min_length=1, examples=[["report.created", "case.closed"]])
    secret: str = Field(
        min_length=SECRET_MIN_CHARS,
        max_length=200,
        description="signs each delivery (X-Tantou-Signature); never shown back",
    )
    community_code: str | None = Field(
        default=None, description="only reports and tasks of this community"
    )
    unit_code: str | None = Field(
        default=None,
        description="only the tasks of this handling unit (task.* events): how an external "
        "unit's own system receives the tasks dispatched to it",
    )

    @field_validator("events")
    @classmethod
    def _distinct(cls, events: list[WebhookEvent]) -> list[WebhookEvent]:
        return sorted(set(events))


class WebhookPublic(BaseModel):
    id: int
    url: str
    events: list[WebhookEvent]
    community_code: str | None
    unit_code: str | None
    created_at: datetime


class WebhookList(BaseModel):
    items: list[WebhookPublic]


class DeliveryPublic(BaseModel):
    id: int
    delivery_id: str = Field(description="the X-Tantou-Delivery header and the body's delivery_id")
    event: str
    status: DeliveryStatus
    attempts: int
    report_id: int | None
    task_id: int | None
    occurred_at: datetime
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="while pending")
    delivered_at: datetime | None
    last_status_code: int | None = Field(description="the receiver's last HTTP status, if any")
    last_error: str | None
    response_ms: float | None = Field(description="how long the last try took")


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    next_cursor: str | None


def webhook_public(subscription: WebhookSubscription) -> WebhookPublic:
    """A subscription without its secret."""
    assert subscription.id is not None
    return WebhookPublic(
        id=subscription.id,
        url=subscription.url,
        events=[WebhookEvent(e) for e in subscription.events],
        community_code=subscription.community_code,
        unit_code=subscription.unit_code,
        created_at=subscription.created_at,
    )


def delivery_public(delivery: WebhookDelivery) -> DeliveryPublic:
    """One delivery as its log shows it."""
    assert delivery.id is not None
    return DeliveryPublic(
        id=delivery.id,
        delivery_id=delivery.delivery_id,
        event=delivery.event,
        status=delivery.status,
        attempts=delivery.attempts,
        report_id=delivery.report_id,
        task_id=delivery.task_id,
        occurred_at=delivery.occurred_at,
        created_at=delivery.created_at,
        next_attempt_at=(
            delivery.next_attempt_at if delivery.status is DeliveryStatus.PENDING else None
        ),
        delivered_at=delivery.delivered_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        response_ms=delivery.last_response_ms,
    )
