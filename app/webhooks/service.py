"""Webhook subscriptions: creating, listing and deleting them, who hears of what, the delivery
log, redelivery by hand and the test event."""

import uuid

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.core.clock import utcnow
from app.core.errors import NotFound, Unprocessable
from app.core.messages import Message
from app.core.outbound import RefusedUrl, check_outbound_url
from app.grids.models import Grid, GridLevel
from app.units.service import unit_by_code
from app.webhooks.models import (
    PING_EVENT,
    TASK_EVENTS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhooks.outbox import write_deliveries
from app.webhooks.schemas import WebhookCreate


def create_subscription(
    session: Session, account: Account, body: WebhookCreate, *, allow_private: bool
) -> WebhookSubscription:
    """Subscribe `body.url` to the events (flushes); 422 naming the field for a URL that may
    not receive deliveries, an unknown community or unit, or report events on a unit's hook."""
    try:
        check_outbound_url(body.url, allow_private=allow_private)
    except RefusedUrl as exc:
        raise Unprocessable.for_field(
            "url", Message("webhooks.url-refused", problem=exc.message)
        ) from None
    if body.community_code is not None:
        community = session.exec(
            select(Grid.code).where(
                Grid.code == body.community_code, Grid.level == GridLevel.COMMUNITY
            )
        ).first()
        if community is None:
            raise Unprocessable.for_field(
                "community_code", Message("riders.no-community", code=body.community_code)
            )
    if body.unit_code is not None:
        if unit_by_code(session, body.unit_code) is None:
            raise Unprocessable.for_field(
                "unit_code", Message("units.no-unit", code=body.unit_code)
            )
        if not set(body.events) <= TASK_EVENTS:
            raise Unprocessable.for_field(
                "events",
                Message("webhooks.unit-task-events-only"),
            )
    assert account.id is not None
    subscription = WebhookSubscription(
        url=body.url,
        events=[e.value for e in body.events],
        secret=body.secret,
        community_code=body.community_code,
        unit_code=body.unit_code,
        created_by_id=account.id,
    )
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(session: Session) -> list[WebhookSubscription]:
    """Every subscription, oldest first."""
    return list(session.exec(select(WebhookSubscription).order_by(col(WebhookSubscription.id))))


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    """The subscription, or 404."""
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound(Message("webhooks.no-subscription", subscription_id=subscription_id))
    return subscription


def delete_subscription(session: Session, subscription_id: int) -> None:
    """Remove the subscription and its delivery log; nothing more is sent to it (flushes)."""
    subscription = get_subscription(session, subscription_id)
    session.execute(
        delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == subscription_id)
    )
    session.delete(subscription)
    session.flush()


def subscriptions_for(
    session: Session,
    event: WebhookEvent,
    *,
    community_code: str | None,
    unit_code: str | None = None,
) -> list[WebhookSubscription]:
    """The subscriptions that hear of `event` about a report of `community_code` (and, for a
    task event, a task of `unit_code`)."""
    return [
        subscription
        for subscription in list_subscriptions(session)
        if event.value in subscription.events
        and subscription.community_code in (None, community_code)
        and (subscription.unit_code is None or subscription.unit_code == unit_code)
    ]


def delivery_log(
    session: Session,
    subscription_id: int,
    *,
    status: DeliveryStatus | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[WebhookDelivery], int | None]:
    """A page of the subscription's deliveries, newest first, and the cursor of the next."""
    get_subscription(session, subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if before_id is not None:
        query = query.where(col(WebhookDelivery.id) < before_id)
    rows = list(session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(limit + 1)))
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


def redeliver(session: Session, delivery_id: int) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (its own id, tries and log line) after
    any still pending for the same report (flushes)."""
    original = session.get(WebhookDelivery, delivery_id)
    if original is None:
        raise NotFound(Message("webhooks.no-delivery", delivery_id=delivery_id))
    subscription = get_subscription(session, original.subscription_id)
    [copy] = write_deliveries(
        session,
        [subscription],
        original.event,
        original.data,
        occurred_at=original.occurred_at,
        report_id=original.report_id,
        task_id=original.task_id,
    )
    return copy


def send_test_event(session: Session, subscription_id: int) -> WebhookDelivery:
    """Queue a `ping` delivery to the subscription, whatever events it chose (flushes)."""
    subscription = get_subscription(session, subscription_id)
    assert subscription.id is not None
    [delivery] = write_deliveries(
        session,
        [subscription],
        PING_EVENT,
        {
            "webhook": {"id": subscription.id, "events": subscription.events},
            "message": "探头测试事件 / a test event from Tantou",
            "ping_id": str(uuid.uuid4()),
        },
        occurred_at=utcnow(),
    )
    return delivery
