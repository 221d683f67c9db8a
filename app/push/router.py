"""Web Push: the VAPID public key, and a rider's subscriptions (one per device)."""

from typing import Annotated

from fastapi import APIRouter, Header, Response

from app.accounts.deps import CurrentAccount, RiderAccount
from app.core import vapid
from app.core.deps import ReadSession, SettingsDep, WriteSession
from app.core.errors import Conflict, Unprocessable
from app.core.inputs import DbId
from app.core.messages import Message
from app.core.outbound import RefusedUrl, check_outbound_url
from app.push import subscriptions
from app.push.keys import vapid_private_key
from app.push.models import PushSubscription
from app.push.schemas import (
    PushKey,
    PushSubscriptionCreate,
    PushSubscriptionList,
    PushSubscriptionPublic,
)

router = APIRouter(tags=["push"])

# Devices per rider: more than anyone carries, few enough that a loop cannot fill the table.
MAX_DEVICES = 10


def _public(subscription: PushSubscription) -> PushSubscriptionPublic:
    return PushSubscriptionPublic.model_validate(subscription, from_attributes=True)


@router.get("/push/key", response_model=PushKey)
def get_push_key(_account: CurrentAccount, settings: SettingsDep) -> PushKey:
    """The key a browser subscribes with (PushManager.subscribe's applicationServerKey)."""
    return PushKey(public_key=vapid.public_key(vapid_private_key(settings)))


@router.post("/me/push-subscriptions", response_model=PushSubscriptionPublic, status_code=201)
def subscribe(
    body: PushSubscriptionCreate,
    response: Response,
    session: WriteSession,
    rider: RiderAccount,
    settings: SettingsDep,
    user_agent: Annotated[str, Header(max_length=1000)] = "",
) -> PushSubscriptionPublic:
    """Opt this device in: 201 when new to me, 200 when it was mine already (keys updated)."""
    assert rider.id is not None
    _check_endpoint(body.endpoint, allow_private=settings.push_allow_private)
    mine = subscriptions.subscriptions_of(session, rider.id)
    if len(mine) >= MAX_DEVICES and body.endpoint not in {s.endpoint for s in mine}:
        raise Conflict(Message("push.too-many-devices", max_devices=MAX_DEVICES))
    subscription, new = subscriptions.subscribe(
        session,
        rider.id,
        endpoint=body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        user_agent=user_agent[:300],
    )
    session.commit()
    if not new:
        response.status_code = 200
    return _public(subscription)


@router.get("/me/push-subscriptions", response_model=PushSubscriptionList)
def list_my_subscriptions(session: ReadSession, rider: RiderAccount) -> PushSubscriptionList:
    """My devices that receive pushes."""
    assert rider.id is not None
    return PushSubscriptionList(
        items=[_public(s) for s in subscriptions.subscriptions_of(session, rider.id)]
    )


@router.delete("/me/push-subscriptions/{subscription_id}", status_code=204)
def unsubscribe(subscription_id: DbId, session: WriteSession, rider: RiderAccount) -> Response:
    """Opt a device out; 404 for a subscription that is not mine."""
    assert rider.id is not None
    subscriptions.unsubscribe(session, rider.id, subscription_id)
    session.commit()
    return Response(status_code=204)


def _check_endpoint(endpoint: str, *, allow_private: bool) -> None:
    # Browsers' push services are https on public addresses; anything else is refused, unless
    # TANTOU_PUSH_ALLOW_PRIVATE (tests, closed networks).
    try:
        if not allow_private and not endpoint.startswith("https://"):
            raise RefusedUrl(Message("push.endpoint-not-https"))
        check_outbound_url(endpoint, allow_private=allow_private)
    except RefusedUrl as exc:
        raise Unprocessable.for_field(
            "endpoint", Message("push.endpoint-refused", problem=exc.message)
        ) from None
