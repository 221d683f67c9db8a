"""Notifications: putting messages in inboxes exactly once, reading and marking them read."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus
from app.core.clock import utcnow
from app.core.events import publish
from app.core.live_feed import wake_feeds
from app.notifications.events import NotificationsAdded
from app.notifications.messages import NotificationText
from app.notifications.models import Notification

NEW_NOTIFICATION_CHANNEL = "tantou_new_notification"


def notify(
    session: Session,
    account_ids: Iterable[int],
    message: NotificationText,
    *,
    dedupe_key: str,
    report_id: int | None = None,
    task_id: int | None = None,
) -> int:
    """Put the message in each account's inbox unless `dedupe_key` is there already, or the
    account has been ended (DELETE /me): nothing more is kept about a person who left.

    Returns how many inboxes got it. Never fails on a duplicate, even one that a concurrent
    transaction is inserting: the database skips it (INSERT … ON CONFLICT DO NOTHING). Announces
    the new ones (NotificationsAdded), so that delivery channels send them on; the live feeds
    of notifications (app/notifications/live.py) look soon after the commit.
    """
    now = utcnow()
    account_ids = _not_ended(session, set(account_ids))
    rows = [
        {
            "account_id": account_id,
            "kind": message.kind,
            "title_zh": message.title_zh,
            "title_en": message.title_en,
            "body": message.body_text,
            "report_id": report_id,
            "task_id": task_id,
            "dedupe_key": dedupe_key,
            "created_at": now,
        }
        for account_id in sorted(account_ids)
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["account_id", "dedupe_key"])
        .returning(col(Notification.id))
    )
    added = tuple(notification_id for (notification_id,) in session.execute(statement))
    if added:
        publish(session, NotificationsAdded(added))
        wake_feeds(session, NEW_NOTIFICATION_CHANNEL)
    return len(added)


def _not_ended(session: Session, account_ids: set[int]) -> set[int]:
    if not account_ids:
        return account_ids
    ended = session.exec(
        select(Account.id).where(
            col(Account.id).in_(account_ids), col(Account.status) == AccountStatus.DELETED
        )
    )
    return account_ids - set(ended)


def list_notifications(
    session: Session,
    account_id: int,
    *,
    unread_only: bool = False,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Notification]:
    """The account's notifications, newest first, older than `before_id` when given."""
    query = select(Notification).where(Notification.account_id == account_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    if before_id is not None:
        query = query.where(col(Notification.id) < before_id)
    return list(session.exec(query.order_by(col(Notification.id).desc()).limit(limit)))


def unread_count(session: Session, account_id: int) -> int:
    """How many of the account's notifications are unread."""
    query = select(func.count()).where(
        Notification.account_id == account_id, col(Notification.read_at).is_(None)
    )
    return int(session.exec(query).one())


def mark_read(
    session: Session, account_id: int, ids: Iterable[int] | None, *, now: datetime | None = None
) -> int:
    """Mark the account's notifications `ids` (None: all) read; returns how many."""
    statement = (
        update(Notification)
        .where(col(Notification.account_id) == account_id, col(Notification.read_at).is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if ids is not None:
        statement = statement.where(col(Notification.id).in_(list(ids)))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
