"""The caller's inbox: what happened to their reports and tasks."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts.deps import CurrentAccount
from app.core.deps import ReadSession, WriteSession
from app.core.pagination import parse_id_cursor
from app.notifications import service
from app.notifications.schemas import MarkedRead, MarkRead, NotificationList, NotificationPublic

router = APIRouter(tags=["notifications"])

MAX_PAGE_SIZE = 100


@router.get("/me/notifications", response_model=NotificationList)
def list_my_notifications(
    session: ReadSession,
    account: CurrentAccount,
    unread: Annotated[bool, Query(description="Only unread ones.")] = False,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> NotificationList:
    """My notifications, newest first, with the unread count."""
    assert account.id is not None
    before_id = parse_id_cursor(cursor)
    notifications = service.list_notifications(
        session, account.id, unread_only=unread, before_id=before_id, limit=limit + 1
    )
    page = notifications[:limit]
    has_more = len(notifications) > limit
    return NotificationList(
        items=[NotificationPublic.model_validate(n, from_attributes=True) for n in page],
        next_cursor=str(page[-1].id) if has_more and page else None,
        unread=service.unread_count(session, account.id),
    )


@router.post("/me/notifications/read", response_model=MarkedRead)
def mark_my_notifications_read(
    body: MarkRead, session: WriteSession, account: CurrentAccount
) -> MarkedRead:
    """Mark some (or all) of my notifications read."""
    assert account.id is not None
    marked = service.mark_read(session, account.id, body.ids)
    session.commit()
    return MarkedRead(marked=marked, unread=service.unread_count(session, account.id))
