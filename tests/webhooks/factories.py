"""Plain factories for webhook tests."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from tests.fixtures.people import Person

SECRET = "a-receiver-secret-0123456789"
ALL_EVENTS = [event.value for event in WebhookEvent]


def subscribe(
    client: TestClient,
    admin: Person,
    url: str,
    *,
    events: list[str] | None = None,
    secret: str = SECRET,
    **fields: Any,
) -> dict[str, Any]:
    """POST /webhooks as the admin; the created subscription."""
    body = {"url": url, "events": events or ALL_EVENTS, "secret": secret, **fields}
    response = client.post("/api/v1/webhooks", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def deliveries(session: Session, subscription_id: int | None = None) -> list[WebhookDelivery]:
    """The deliveries written so far, in the order they were written (fresh from the database)."""
    session.expire_all()
    query = select(WebhookDelivery).order_by(col(WebhookDelivery.id))
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    rows = list(session.exec(query))
    session.commit()
    return rows


def first_arrivals(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bodies in arrival order, a redelivered id counted at its first arrival only."""
    seen: set[str] = set()
    firsts = []
    for body in bodies:
        if body["delivery_id"] not in seen:
            seen.add(body["delivery_id"])
            firsts.append(body)
    return firsts


def all_delivered(session: Session, subscription_id: int) -> bool:
    """Whether every delivery to the subscription was accepted by its receiver."""
    return all(d.status is DeliveryStatus.DELIVERED for d in deliveries(session, subscription_id))
