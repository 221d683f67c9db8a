"""Webhook subscriptions for admins: create, list, delete, the delivery log, redelivery and the
test event. Deliveries are JSON POSTs signed with the subscription's secret (see README)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.accounts.deps import AdminAccount
from app.core.deps import ReadSession, SettingsDep, WriteSession
from app.core.inputs import DbId
from app.core.pagination import parse_id_cursor
from app.webhooks import service
from app.webhooks.models import DeliveryStatus
from app.webhooks.schemas import (
    DeliveryPage,
    DeliveryPublic,
    WebhookCreate,
    WebhookList,
    WebhookPublic,
    delivery_public,
    webhook_public,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

ADMIN_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"},
    403: {"description": "only admins manage webhooks"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such webhook or delivery"}}


@router.post(
    "",
    response_model=WebhookPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        **ADMIN_ONLY,
        422: {
            "description": "a URL that is not http(s), does not resolve, or resolves to "
            "loopback or private addresses (unless TANTOU_WEBHOOK_ALLOW_PRIVATE=true); an "
            "unknown event, community or unit; a secret shorter than 16 characters"
        },
    },
)
def create_webhook(
    body: WebhookCreate, session: WriteSession, settings: SettingsDep, account: AdminAccount
) -> WebhookPublic:
    """Subscribe a URL to events; the secret signs every delivery and is never shown back.

    Each delivery is a JSON POST with headers `X-Tantou-Event`, `X-Tantou-Delivery` (unique)
    and `X-Tantou-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, and a
    body like `{"event": "report.status_changed", "delivery_id": "…", "occurred_at":
    "2026-12-02T08:00:00Z", "data": {"report": {…as GET /reports/{id}…}, "from_status":
    "submitted", "to_status": "accepted"}}` (`data.task` as in the task list for `task.*`).
    Retried with back-off until a 2xx, in order per report.
    """
    subscription = service.create_subscription(
        session, account, body, allow_private=settings.webhook_allow_private
    )
    session.commit()
    return webhook_public(subscription)


@router.get("", response_model=WebhookList, responses=ADMIN_ONLY)
def list_webhooks(session: ReadSession, _account: AdminAccount) -> WebhookList:
    """Every subscription, without secrets."""
    return WebhookList(items=[webhook_public(s) for s in service.list_subscriptions(session)])


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ADMIN_ONLY, **NOT_FOUND},
)
def delete_webhook(webhook_id: DbId, session: WriteSession, _account: AdminAccount) -> Response:
    """Unsubscribe: nothing more is sent, and the delivery log goes with it."""
    service.delete_subscription(session, webhook_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    responses={**ADMIN_ONLY, **NOT_FOUND},
)
def list_deliveries(
    webhook_id: DbId,
    session: ReadSession,
    _account: AdminAccount,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DeliveryPage:
    """The delivery log, newest first: status, attempts, the last error and response time."""
    page, next_id = service.delivery_log(
        session,
        webhook_id,
        status=delivery_status,
        before_id=parse_id_cursor(cursor),
        limit=limit,
    )
    return DeliveryPage(
        items=[delivery_public(d) for d in page],
        next_cursor=str(next_id) if next_id is not None else None,
    )


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses={**ADMIN_ONLY, **NOT_FOUND},
)
def redeliver(delivery_id: DbId, session: WriteSession, _account: AdminAccount) -> DeliveryPublic:
    """Send a delivery's event again, as a new delivery with its own id."""
    delivery = service.redeliver(session, delivery_id)
    session.commit()
    return delivery_public(delivery)


@router.post(
    "/{webhook_id}/test",
    response_model=DeliveryPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses={**ADMIN_ONLY, **NOT_FOUND},
)
def send_test_event(
    webhook_id: DbId, session: WriteSession, _account: AdminAccount
) -> DeliveryPublic:
    """Queue a `ping` event to the URL; its outcome shows in the delivery log."""
    delivery = service.send_test_event(session, webhook_id)
    session.commit()
    return delivery_public(delivery)
