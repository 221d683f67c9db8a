"""Plain factories for push tests."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.push.models import NotificationDelivery
from tests.fixtures.people import Person
from tests.push.device import Device
from tests.webhooks.receiver import Receiver


def opt_in(client: TestClient, person: Person, device: Device, status: int = 201) -> Any:
    """POST the device's subscription as `person`; the answer's JSON."""
    response = client.post(
        "/api/v1/me/push-subscriptions", json=device.subscription(), headers=person.headers
    )
    assert response.status_code == status, response.text
    return response.json()


def my_subscriptions(client: TestClient, person: Person) -> list[dict[str, Any]]:
    response = client.get("/api/v1/me/push-subscriptions", headers=person.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def public_key(client: TestClient, person: Person) -> str:
    response = client.get("/api/v1/push/key", headers=person.headers)
    assert response.status_code == 200, response.text
    key: str = response.json()["public_key"]
    return key


def messages_at(push_service: Receiver, device: Device) -> list[dict[str, Any]]:
    """Every message the device's endpoint received, decrypted, in arrival order."""
    path = device.endpoint.removeprefix(push_service.url(""))
    return [device.decrypt(r) for r in push_service.received if r.path == path]


def kinds_at(push_service: Receiver, device: Device) -> list[str]:
    return [message["kind"] for message in messages_at(push_service, device)]


def deliveries(session: Session) -> list[NotificationDelivery]:
    """Every delivery in the outbox, in the order written (fresh from the database)."""
    session.expire_all()
    rows = list(session.exec(select(NotificationDelivery).order_by(col(NotificationDelivery.id))))
    session.commit()
    return rows
