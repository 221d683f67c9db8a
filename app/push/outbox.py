"""The outbox of notification deliveries: claimed by the worker with a lease, then their
outcomes. Claiming is a conditional UPDATE (… WHERE pending and the lease is free), so a worker
that dies leaves a lease that expires, and then any worker takes the delivery over."""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlmodel import Session, col

from app.core.conditional import update_where
from app.core.config import Settings
from app.push import subscriptions
from app.push.channels import ClaimedDelivery, Outcome, Verdict
from app.push.models import DeliveryStatus, NotificationDelivery, PushSubscription
from app.webhooks.retry import is_given_up, retry_delay_s


def _lease_is_free(now: datetime) -> Any:
    return or_(
        col(NotificationDelivery.locked_until).is_(None),
        col(NotificationDelivery.locked_until) <= now,
    )


def claim_due(
    session: Session, *, worker_id: str, now: datetime, lease: timedelta, limit: int
) -> list[ClaimedDelivery]:
    """Lease up to `limit` due deliveries to `worker_id`, earliest due first. The caller
    commits (the leases hold from then on)."""
    due = session.execute(
        select(col(NotificationDelivery.id))
        .where(
            col(NotificationDelivery.status) == DeliveryStatus.PENDING,
            col(NotificationDelivery.next_attempt_at) <= now,
            _lease_is_free(now),
        )
        .order_by(col(NotificationDelivery.next_attempt_at), col(NotificationDelivery.id))
        .limit(limit)
    ).scalars()
    claimed = [
        delivery_id
        for delivery_id in list(due)
        if update_where(
            session,
            NotificationDelivery,
            delivery_id,
            _lease_is_free(now),
            expected={"status": DeliveryStatus.PENDING},
            values={"locked_by": worker_id, "locked_until": now + lease},
        )
    ]
    return load_claimed(session, claimed)


def load_claimed(session: Session, ids: Collection[int]) -> list[ClaimedDelivery]:
    if not ids:
        return []
    rows = session.execute(
        select(NotificationDelivery, PushSubscription)
        .outerjoin(
            PushSubscription, col(PushSubscription.id) == col(NotificationDelivery.subscription_id)
        )
        .where(col(NotificationDelivery.id).in_(ids))
        .order_by(col(NotificationDelivery.id))
    ).all()
    return [
        ClaimedDelivery(
            id=d.id,
            channel=d.channel,
            account_id=d.account_id,
            subscription_id=d.subscription_id,
            payload=d.payload,
            attempts=d.attempts,
            created_at=d.created_at,
            endpoint=s.endpoint if s else None,
            p256dh=s.p256dh if s else None,
            auth=s.auth if s else None,
        )
        for d, s in rows
    ]


def next_due_at(session: Session, now: datetime) -> datetime | None:
    """When the earliest delivery waiting for a later try is due (None: none is)."""
    return session.execute(
        select(func.min(NotificationDelivery.next_attempt_at)).where(
            col(NotificationDelivery.status) == DeliveryStatus.PENDING,
            col(NotificationDelivery.next_attempt_at) > now,
        )
    ).scalar_one_or_none()


def record_outcome(
    session: Session,
    claimed: ClaimedDelivery,
    outcome: Outcome,
    *,
    worker_id: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Store how the try went and release the lease: delivered, retried later, given up, or
    gone (a Web Push subscription its push service no longer knows is removed with its
    deliveries). A worker whose lease was taken over meanwhile records nothing."""
    if outcome.verdict is Verdict.GONE and claimed.subscription_id is not None:
        held = session.execute(
            select(col(NotificationDelivery.id)).where(
                col(NotificationDelivery.id) == claimed.id,
                col(NotificationDelivery.locked_by) == worker_id,
            )
        ).first()
        if held is not None:
            subscriptions.remove(session, [claimed.subscription_id])
        return
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "locked_by": None,
        "locked_until": None,
    }
    give_up_after = timedelta(hours=settings.push_give_up_hours)
    if outcome.verdict is Verdict.DELIVERED:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif outcome.verdict is Verdict.GONE:
        values["status"] = DeliveryStatus.GONE
    elif outcome.verdict is Verdict.REFUSED or is_given_up(
        claimed.created_at, now, give_up_after=give_up_after
    ):
        values["status"] = DeliveryStatus.FAILED
    else:
        delay_s = retry_delay_s(
            attempts,
            first_s=settings.push_retry_first_seconds,
            max_s=settings.push_retry_max_seconds,
        )
        values["next_attempt_at"] = min(
            now + timedelta(seconds=delay_s), claimed.created_at + give_up_after
        )
    session.execute(
        update(NotificationDelivery)
        .where(
            col(NotificationDelivery.id) == claimed.id,
            col(NotificationDelivery.locked_by) == worker_id,
            col(NotificationDelivery.status) == DeliveryStatus.PENDING,
        )
        .values(**values)
    )
