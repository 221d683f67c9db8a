"""The outbox: deliveries written in the change's own transaction, claimed by workers with a
lease, and their outcomes.

Claiming is a conditional UPDATE (… WHERE the row is pending and its lease is free), so two
workers, in one process or several, never send the same delivery at once; a worker that dies
leaves a lease that expires, and then any worker takes the delivery over. Deliveries of one
report to one subscription go out in the order they were written: one waits while an earlier
one is still pending.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.core.clock import utcnow
from app.core.conditional import update_where
from app.core.config import Settings
from app.reports.models import Report
from app.webhooks import wake
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from app.webhooks.retry import is_given_up, retry_delay_s

# How many candidates a claim looks at per free sending slot (some may be skipped).
CANDIDATES_PER_SLOT = 4


@dataclass(frozen=True)
class ClaimedDelivery:
    """What the worker needs to send one leased delivery."""

    id: int
    delivery_id: str
    subscription_id: int
    url: str
    secret: str
    event: str
    occurred_at: datetime
    data: dict[str, Any]
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Outcome:
    """How one try went."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None
    response_ms: float | None = None


def write_deliveries(
    session: Session,
    subscriptions: Sequence[WebhookSubscription],
    event: str,
    data: dict[str, Any],
    *,
    occurred_at: datetime,
    report_id: int | None = None,
    task_id: int | None = None,
) -> list[WebhookDelivery]:
    """One pending delivery per subscription, in the caller's transaction (flushes)."""
    if report_id is not None:
        _hold_report_order(session, report_id)
    now = utcnow()
    ids = [subscription.id for subscription in subscriptions if subscription.id is not None]
    deliveries = [
        WebhookDelivery(
            delivery_id=str(uuid.uuid4()),
            subscription_id=subscription_id,
            event=event,
            report_id=report_id,
            task_id=task_id,
            data=data,
            occurred_at=occurred_at,
            next_attempt_at=now,
            created_at=now,
        )
        for subscription_id in ids
    ]
    session.add_all(deliveries)
    session.flush()
    wake.note_deliveries_written(session)
    return deliveries


def _hold_report_order(session: Session, report_id: int) -> None:
    # On PostgreSQL, lock the report's row until commit: two transactions writing deliveries of
    # one report then commit them in id order, so no later id is ever visible before an earlier
    # one. (SQLite runs one writer at a time already and ignores FOR UPDATE.)
    session.execute(select(col(Report.id)).where(col(Report.id) == report_id).with_for_update())


def _lease_is_free(now: datetime) -> Any:
    return or_(
        col(WebhookDelivery.locked_until).is_(None), col(WebhookDelivery.locked_until) <= now
    )


def claim_due(
    session: Session,
    *,
    worker_id: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    in_flight: dict[int, int],
    per_subscription: int,
) -> list[ClaimedDelivery]:
    """Lease up to `limit` due deliveries to `worker_id`, at most `per_subscription` in flight
    per subscription counting `in_flight` (subscription id -> deliveries being sent). The
    caller commits (the leases hold from then on)."""
    delivery, earlier = WebhookDelivery, aliased(WebhookDelivery)
    waits_for_earlier = (
        select(col(earlier.id))
        .where(
            col(earlier.subscription_id) == col(delivery.subscription_id),
            col(earlier.report_id) == col(delivery.report_id),
            col(earlier.id) < col(delivery.id),
            col(earlier.status) == DeliveryStatus.PENDING,
        )
        .exists()
    )
    full = [sub_id for sub_id, count in in_flight.items() if count >= per_subscription]
    candidates = session.execute(
        select(col(delivery.id), col(delivery.subscription_id))
        .where(
            col(delivery.status) == DeliveryStatus.PENDING,
            col(delivery.next_attempt_at) <= now,
            _lease_is_free(now),
            col(delivery.subscription_id).not_in(full),
            ~waits_for_earlier,
        )
        .order_by(col(delivery.next_attempt_at), col(delivery.id))
        .limit(limit * CANDIDATES_PER_SLOT)
    ).all()
    counts = dict(in_flight)
    claimed_ids: list[int] = []
    for delivery_id, subscription_id in candidates:
        if len(claimed_ids) >= limit or counts.get(subscription_id, 0) >= per_subscription:
            continue
        if update_where(
            session,
            WebhookDelivery,
            delivery_id,
            _lease_is_free(now),
            expected={"status": DeliveryStatus.PENDING},
            values={"locked_by": worker_id, "locked_until": now + lease},
        ):
            claimed_ids.append(delivery_id)
            counts[subscription_id] = counts.get(subscription_id, 0) + 1
    return load_claimed(session, claimed_ids)


def load_claimed(session: Session, ids: Collection[int]) -> list[ClaimedDelivery]:
    if not ids:
        return []
    rows = session.execute(
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookDelivery.subscription_id)
        .where(col(WebhookDelivery.id).in_(ids))
        .order_by(col(WebhookDelivery.id))
    ).all()
    return [
        ClaimedDelivery(
            id=d.id,
            delivery_id=d.delivery_id,
            subscription_id=s.id,
            url=s.url,
            secret=s.secret,
            event=d.event,
            occurred_at=d.occurred_at,
            data=d.data,
            attempts=d.attempts,
            created_at=d.created_at,
        )
        for d, s in rows
    ]


def next_due_at(session: Session, now: datetime) -> datetime | None:
    """When the earliest delivery waiting for a later try is due (None: none is)."""
    return session.execute(
        select(func.min(WebhookDelivery.next_attempt_at)).where(
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            col(WebhookDelivery.next_attempt_at) > now,
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
    """Store how the try went and release the lease: delivered, retried later, or given up.
    A worker whose lease was taken over meanwhile records nothing. The caller commits."""
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "last_response_ms": outcome.response_ms,
        "locked_by": None,
        "locked_until": None,
    }
    give_up_after = timedelta(hours=settings.webhook_give_up_hours)
    if outcome.delivered:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif is_given_up(claimed.created_at, now, give_up_after=give_up_after):
        values["status"] = DeliveryStatus.FAILED
    else:
        delay_s = retry_delay_s(
            attempts,
            first_s=settings.webhook_retry_first_seconds,
            max_s=settings.webhook_retry_max_seconds,
        )
        # The last try falls on the give-up time itself rather than after it.
        values["next_attempt_at"] = min(
            now + timedelta(seconds=delay_s), claimed.created_at + give_up_after
        )
    session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == claimed.id,
            col(WebhookDelivery.locked_by) == worker_id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
        )
        .values(**values)
    )
