"""A rider's push subscriptions: one per device, kept, listed and removed by their owner only."""

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.core.errors import NotFound
from app.core.messages import Message
from app.core.upsert import dialect_insert
from app.push.models import NotificationDelivery, PushSubscription


def subscribe(
    session: Session, account_id: int, *, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> tuple[PushSubscription, bool]:
    """Keep the device's subscription for the account; (it, whether it is new to the account).

    The endpoint names the device: the same one again updates its keys, and one another
    account held (another rider logged in on that phone) moves to this account. Flushes."""
    existing = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).first()
    if existing is not None:
        new_to_account = existing.account_id != account_id
        if new_to_account:
            _forget_deliveries(session, [existing.id])
        existing.sqlmodel_update(
            {"account_id": account_id, "p256dh": p256dh, "auth": auth, "user_agent": user_agent}
        )
        session.add(existing)
        session.flush()
        return existing, new_to_account
    insert = dialect_insert(session.get_bind())
    # Two requests from one device at once: the unique endpoint lets one insert, the other
    # finds it on its second look.
    inserted = session.execute(
        insert(PushSubscription)
        .values(
            account_id=account_id,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=user_agent,
        )
        .on_conflict_do_nothing(index_elements=["endpoint"])
        .returning(col(PushSubscription.id))
    ).first()
    if inserted is None:
        return subscribe(
            session, account_id, endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=user_agent
        )
    return session.get_one(PushSubscription, inserted[0]), True


def subscriptions_of(session: Session, account_id: int) -> list[PushSubscription]:
    """The account's devices, oldest first."""
    query = select(PushSubscription).where(PushSubscription.account_id == account_id)
    return list(session.exec(query.order_by(col(PushSubscription.id))))


def unsubscribe(session: Session, account_id: int, subscription_id: int) -> None:
    """Remove one of the account's subscriptions; 404 for any other (or none)."""
    subscription = session.get(PushSubscription, subscription_id)
    if subscription is None or subscription.account_id != account_id:
        raise NotFound(Message("push.no-subscription", subscription_id=subscription_id))
    remove(session, [subscription_id])


def remove(session: Session, subscription_ids: Sequence[int | None]) -> None:
    """Delete the subscriptions and the deliveries still waiting for them."""
    ids = [i for i in subscription_ids if i is not None]
    _forget_deliveries(session, ids)
    session.execute(
        delete(PushSubscription)
        .where(col(PushSubscription.id).in_(ids))
        .execution_options(synchronize_session=False)
    )


def forget_account(session: Session, account_id: int) -> None:
    """Delete everything push holds about the account (its account is ending)."""
    for statement in (
        delete(NotificationDelivery).where(col(NotificationDelivery.account_id) == account_id),
        delete(PushSubscription).where(col(PushSubscription.account_id) == account_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))


def _forget_deliveries(session: Session, subscription_ids: Sequence[int | None]) -> None:
    session.execute(
        delete(NotificationDelivery)
        .where(col(NotificationDelivery.subscription_id).in_(subscription_ids))
        .execution_options(synchronize_session=False)
    )
