"""The dispatch: each new notification handed to every configured channel, as one delivery per
target in the outbox, in one transaction with marking it dispatched (so a crash loses none and
sends none twice)."""

from datetime import datetime

from sqlmodel import Session, col, select

from app.core.conditional import update_where
from app.core.config import Settings
from app.notifications.models import Notification
from app.push.channels import Channel
from app.push.models import NotificationDelivery
from app.push.payloads import notification_payload
from app.push.webpush import WebPushChannel
from app.push.wechat import WeChatChannel
from app.reports.models import Report


def configured_channels(settings: Settings) -> list[Channel]:
    """Web Push always (it reaches only riders who opted in); WeChat when a sender is set."""
    channels: list[Channel] = [WebPushChannel(settings)]
    if settings.wechat_sender_url:
        channels.append(WeChatChannel(settings))
    return channels


def dispatch_new(session: Session, channels: list[Channel], *, now: datetime, limit: int) -> int:
    """Write the deliveries of up to `limit` undispatched notifications, oldest first; returns
    how many notifications it looked at. The caller commits."""
    waiting = session.exec(
        select(Notification)
        .where(col(Notification.dispatched_at).is_(None))
        .order_by(col(Notification.id))
        .limit(limit)
    )
    notifications = list(waiting)
    for notification in notifications:
        assert notification.id is not None
        if not update_where(
            session,
            Notification,
            notification,
            col(Notification.dispatched_at).is_(None),
            values={"dispatched_at": now},
        ):
            continue  # another dispatcher took it
        report = session.get(Report, notification.report_id) if notification.report_id else None
        payload = notification_payload(notification, report.status if report else None)
        for channel in channels:
            for target in channel.targets(session, notification):
                session.add(
                    NotificationDelivery(
                        channel=channel.name,
                        account_id=notification.account_id,
                        notification_id=notification.id,
                        subscription_id=target,
                        payload=payload,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    session.flush()
    return len(notifications)
