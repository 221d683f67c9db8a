"""The console's inbox: what waits for me, counted, and the live stream that keeps it current."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from app.accounts.deps import AreaManagerAccount, CurrentScope
from app.core.deps import ReadSession, RuntimeDep
from app.inbox import service
from app.inbox.schemas import InboxCounts
from app.inbox.stream import inbox_events, notification_feed_of
from app.reports.stream import StreamViewer, held_stream_viewer, live_feed_of

router = APIRouter(tags=["inbox"])


@router.get("/me/inbox", response_model=InboxCounts)
def my_inbox(
    session: ReadSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> InboxCounts:
    """What waits for me in my areas, counted as my lists show it (coordinators, admins)."""
    return service.inbox_counts(session, scope)


@router.get(
    "/me/inbox/stream",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "`ready`, then `new_report` and `urgent_report` (a report as JSON) "
            "and `notification` (as in GET /me/notifications)"
        },
        429: {"description": "the account has TANTOU_MAX_STREAMS_PER_ACCOUNT streams open"},
    },
)
async def stream_my_inbox(
    viewer: Annotated[StreamViewer, Depends(held_stream_viewer)], runtime: RuntimeDep
) -> AsyncIterator[ServerSentEvent]:
    """New reports in my areas and new notifications in my inbox, pushed within a second.

    Coordinators and admins (bearer header or ?access_token=). Read GET /me/inbox after `ready`
    and again after each event: nothing committed after `ready` is missed."""
    async for event in inbox_events(live_feed_of(runtime), notification_feed_of(runtime), viewer):
        yield event
