"""What a device is sent for a notification: its words (app/notifications/messages.py, zh-CN
first), the report it is about, that report's status then, and where a tap opens the app."""

from typing import Any

from app.notifications.models import Notification

# Where a tap on a notification of this kind opens the rider app, when it is not its report.
TASKS_PAGE_KINDS = frozenset({"verification_offered"})


def app_path(notification: Notification) -> str:
    """The rider app's page for the notification (a hash route)."""
    if notification.kind in TASKS_PAGE_KINDS:
        return "/#/tasks"
    if notification.report_id is not None:
        return f"/#/reports/{notification.report_id}"
    return "/#/messages"


def notification_payload(notification: Notification, report_status: str | None) -> dict[str, Any]:
    """The JSON a service worker (or the WeChat sender) receives for one notification."""
    return {
        "notification_id": notification.id,
        "kind": notification.kind,
        "title": notification.title_zh,
        "title_en": notification.title_en,
        "body": notification.body,
        "report_id": notification.report_id,
        "task_id": notification.task_id,
        "status": report_status,
        "url": app_path(notification),
        "created_at": notification.created_at.isoformat(),
    }
