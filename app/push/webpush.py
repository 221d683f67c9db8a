"""Web Push (RFC 8030): the payload encrypted for the device (RFC 8291, aes128gcm, by
pywebpush) and signed for its push service with the VAPID key (RFC 8292)."""

import json

import httpx
from pywebpush import WebPusher
from sqlmodel import Session

from app.core import vapid
from app.core.config import Settings
from app.notifications.models import Notification
from app.push.channels import ClaimedDelivery, Outcome
from app.push.keys import vapid_private_key
from app.push.models import DeliveryChannel
from app.push.posting import post
from app.push.subscriptions import subscriptions_of

# How long a push service keeps a message for a phone that is off: a day, then it is stale.
TTL_S = 24 * 3600


class WebPushChannel:
    name = DeliveryChannel.WEB_PUSH

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.private_key = vapid_private_key(settings)

    def targets(self, session: Session, notification: Notification) -> list[int | None]:
        """Every device the account subscribed."""
        return [s.id for s in subscriptions_of(session, notification.account_id)]

    async def send(self, client: httpx.AsyncClient, delivery: ClaimedDelivery) -> Outcome:
        assert delivery.endpoint is not None
        subscription = {
            "endpoint": delivery.endpoint,
            "keys": {"p256dh": delivery.p256dh, "auth": delivery.auth},
        }
        plain = json.dumps(delivery.payload, ensure_ascii=False).encode("utf-8")
        encrypted: bytes = WebPusher(subscription).encode(plain, "aes128gcm")["body"]
        headers = {
            "Authorization": vapid.authorization(
                self.private_key,
                delivery.endpoint,
                subject=self.settings.vapid_subject,
            ),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL_S),
            "Urgency": "normal",
        }
        return await post(
            client,
            delivery.endpoint,
            encrypted,
            headers,
            allow_private=self.settings.push_allow_private,
        )
