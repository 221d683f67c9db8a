"""The live feed of new notifications (app/core/live_feed.py): each handed to the streams of the
account it was put in the inbox of."""

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.live_feed import LiveFeed
from app.notifications.models import Notification
from app.notifications.schemas import NotificationPublic
from app.notifications.service import NEW_NOTIFICATION_CHANNEL


def _present(_session: Session, notifications: Sequence[Notification]) -> list[NotificationPublic]:
    return [NotificationPublic.model_validate(n, from_attributes=True) for n in notifications]


def notification_feed(engine: Engine) -> LiveFeed[Notification]:
    """A feed of new notifications, their audience the account whose inbox they are in."""
    return LiveFeed(
        engine,
        Notification,
        present=_present,
        audience=lambda notification: notification.account_id,
        channel=NEW_NOTIFICATION_CHANNEL,
    )
