"""The seam between notifications and the ways they reach a person outside the app.

A delivery channel says which targets an account has (Web Push: one per subscribed device;
WeChat: the account itself, for the sender to address) and sends one delivery. The dispatch
(app/push/dispatch.py) asks every configured channel for each new notification, writes one
delivery per target in the outbox, and the worker (app/push/worker.py) calls `send`, retries
what failed for the moment and gives up on what is gone. A new channel (SMS, an app's own push)
is one more class like app/push/webpush.py and one more line in `configured_channels`.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import httpx
from sqlmodel import Session

from app.notifications.models import Notification
from app.push.models import DeliveryChannel


class Verdict(StrEnum):
    DELIVERED = "delivered"  # 2xx
    GONE = "gone"  # 404/410: the target no longer exists; never retried
    RETRY = "retry"  # a network error, a timeout, 429 or a 5xx: tried again later
    REFUSED = "refused"  # another 4xx: trying again would not help


@dataclass(frozen=True)
class Outcome:
    """How one try went."""

    verdict: Verdict
    status_code: int | None = None
    error: str | None = None


def verdict_of(status_code: int) -> Verdict:
    """What an HTTP answer of a push service or a sender means for the delivery."""
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code in (404, 410):
        return Verdict.GONE
    if status_code == 429 or status_code >= 500:
        return Verdict.RETRY
    return Verdict.REFUSED


@dataclass(frozen=True)
class ClaimedDelivery:
    """What a channel needs to send one leased delivery."""

    id: int
    channel: DeliveryChannel
    account_id: int
    subscription_id: int | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    # Web Push only: where the device's push service takes it, and the device's keys.
    endpoint: str | None = None
    p256dh: str | None = None
    auth: str | None = None


class Channel(Protocol):
    name: DeliveryChannel

    def targets(self, session: Session, notification: Notification) -> list[int | None]:
        """One entry per delivery to write: a subscription id, or None for the account."""
        ...

    async def send(self, client: httpx.AsyncClient, delivery: ClaimedDelivery) -> Outcome:
        """One try; never raises for the other side's failures (they become the outcome)."""
        ...
