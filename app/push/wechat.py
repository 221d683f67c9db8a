"""The hook for WeChat subscription messages (订阅消息).

Tantou cannot call WeChat's API itself: a rider's openid, the mini-program's appid and secret,
the access token and the template ids belong to the mini-program's own backend. So this channel
hands each notification of a rider to that backend, the sender (TANTOU_WECHAT_SENDER_URL), as
a signed JSON POST; the sender maps the account to the rider's openid, fills its template
(`subscribeMessage.send`) and answers 2xx when WeChat took it, 404 or 410 when the rider has
no binding or no subscription left (a one-time consent used up: never retried), 429 or 5xx to
have it tried again later.
"""

import json

import httpx
from sqlmodel import Session

from app.accounts.models import Account, Role
from app.core.config import Settings
from app.notifications.models import Notification
from app.push.channels import ClaimedDelivery, Outcome
from app.push.models import DeliveryChannel
from app.push.posting import post
from app.webhooks.signing import sign_body

USER_AGENT = "Tantou-WeChat-Hook/1"


def sender_body(delivery: ClaimedDelivery) -> bytes:
    """What the sender receives: whom it is for and what it says (app/push/payloads.py)."""
    body = {
        "delivery_id": delivery.id,
        "account_id": delivery.account_id,
        "notification": delivery.payload,
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class WeChatChannel:
    name = DeliveryChannel.WECHAT

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def targets(self, session: Session, notification: Notification) -> list[int | None]:
        """The account itself, if it is a rider's (the sender knows which have a binding)."""
        account = session.get(Account, notification.account_id)
        return [None] if account is not None and account.role is Role.RIDER else []

    async def send(self, client: httpx.AsyncClient, delivery: ClaimedDelivery) -> Outcome:
        body = sender_body(delivery)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Tantou-Delivery": str(delivery.id),
            "X-Tantou-Signature": sign_body(body, self.settings.wechat_sender_secret),
        }
        # The deployer chose this address (often the mini-program's backend next door), unlike
        # a push endpoint, which a browser chose: no public-address rule.
        return await post(
            client, self.settings.wechat_sender_url, body, headers, allow_private=True
        )
