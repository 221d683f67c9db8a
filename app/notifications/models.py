"""Notifications: what happened to an account's reports and tasks, in its inbox."""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import partial_index_where, time_field


class Notification(SQLModel, table=True):
    __table_args__ = (
        # The same happening never lands twice in one inbox, even when two workers report it.
        UniqueConstraint("account_id", "dedupe_key"),
        Index("ix_notification_account_id", "account_id", "id"),
        # Unread notifications only: the unread list and the badge's count.
        Index(
            "ix_notification_unread",
            "account_id",
            "id",
            **partial_index_where("read_at IS NULL"),
        ),
        # Not yet handed to the delivery channels (app/push/dispatch.py), oldest first.
        Index("ix_notification_undispatched", "id", **partial_index_where("dispatched_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = Field(max_length=32)  # report_accepted, task_assigned, task_overdue, …
    title_zh: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    body: str = Field(default="", sa_type=Text)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    dedupe_key: str = Field(max_length=100)
    read_at: datetime | None = time_field(default=None, nullable=True)
    # When the delivery channels (Web Push, WeChat) took it: their outbox holds it from then on.
    dispatched_at: datetime | None = time_field(default=None, nullable=True)
    created_at: datetime = time_field(default_factory=utcnow)
