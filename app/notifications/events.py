"""What the notifications domain announces (app.core.events): delivery channels subscribe."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationsAdded:
    """Notifications that just landed in inboxes (not the duplicates skipped)."""

    notification_ids: tuple[int, ...]
