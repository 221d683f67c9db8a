"""What the inbox endpoints take and give."""

from datetime import datetime

from pydantic import BaseModel, Field


class NotificationPublic(BaseModel):
    id: int
    kind: str
    title_zh: str
    title_en: str
    body: str
    report_id: int | None
    task_id: int | None
    read_at: datetime | None
    created_at: datetime


class NotificationList(BaseModel):
    items: list[NotificationPublic]
    next_cursor: str | None
    unread: int = Field(description="How many of the caller's notifications are unread.")


class MarkRead(BaseModel):
    ids: list[int] | None = Field(
        default=None, max_length=500, description="Notifications to mark read; omit for all."
    )


class MarkedRead(BaseModel):
    marked: int
    unread: int
