"""Policy notices (政策宣讲): coordinators publish, riders read and pass on, area managers
see reach."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session

from app.accounts.access import RIDERS
from app.accounts.deps import (
    AreaManagerAccount,
    CurrentScope,
    RiderAccount,
    RiderOrAreaManagerAccount,
)
from app.core.deps import ReadSession, WriteSession
from app.core.inputs import DbId
from app.core.pagination import parse_id_cursor
from app.notices import service
from app.notices.models import Notice, NoticeReceipt
from app.notices.schemas import NoticeCreate, NoticeList, NoticePublic, ReachPublic, ReceiptPublic
from app.points.rules import EntryKind
from app.points.service import entry_for_source
from app.riders.service import own_profile

router = APIRouter(tags=["notices"])


def _notice(
    notice: Notice, receipt: NoticeReceipt | None = None, reach: service.Reach | None = None
) -> NoticePublic:
    assert notice.id is not None
    return NoticePublic(
        id=notice.id,
        title=notice.title,
        body=notice.body,
        links=notice.links,
        area_code=notice.audience_area_code,
        team_id=notice.audience_team_id,
        published_at=notice.published_at,
        read_at=receipt.read_at if receipt else None,
        shared_at=receipt.shared_at if receipt else None,
        reach=ReachPublic(**reach.__dict__) if reach else None,
    )


@router.post("/notices", response_model=NoticePublic, status_code=status.HTTP_201_CREATED)
def publish_notice(
    body: NoticeCreate, session: WriteSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> NoticePublic:
    """Publish a notice to the riders of an area (area_code) or of a team (team_id)."""
    notice = service.publish_notice(
        session,
        scope,
        author_id=scope.account_id,
        title=body.title,
        body=body.body,
        links=body.links,
        area_code=body.area_code,
        team_id=body.team_id,
    )
    session.commit()
    return _notice(notice, reach=service.reach_of(session, notice))


@router.get("/notices", response_model=NoticeList)
def list_notices(
    session: ReadSession,
    account: RiderOrAreaManagerAccount,
    scope: CurrentScope,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> NoticeList:
    """Riders: notices for them, with their receipt; area managers: notices of their areas,
    with reach."""
    before_id = parse_id_cursor(cursor)
    if RIDERS.admits(account.role):
        profile, _rider = own_profile(session, account)
        rows = service.notices_for_rider(session, profile, before_id=before_id, limit=limit)
        items = [_notice(notice, receipt) for notice, receipt in rows]
    else:
        notices = service.notices_in_scope(session, scope, before_id=before_id, limit=limit)
        items = [_notice(notice, reach=service.reach_of(session, notice)) for notice in notices]
    return NoticeList(items=items, next_cursor=str(items[-1].id) if len(items) == limit else None)


@router.get("/notices/{notice_id}", response_model=NoticePublic)
def get_notice(
    notice_id: DbId, session: ReadSession, account: RiderOrAreaManagerAccount, scope: CurrentScope
) -> NoticePublic:
    """A notice; area managers also see its reach (audience, read and passed-on counts)."""
    if RIDERS.admits(account.role):
        profile, _rider = own_profile(session, account)
        notice = service.notice_for_rider(session, profile, notice_id)
        return _notice(notice, service.receipt_of(session, notice_id, profile.account_id))
    notice = service.notice_in_scope(session, scope, notice_id)
    return _notice(notice, reach=service.reach_of(session, notice))


@router.post("/notices/{notice_id}/read", response_model=ReceiptPublic)
def read_notice(notice_id: DbId, session: WriteSession, rider: RiderAccount) -> ReceiptPublic:
    """I read this notice (repeating it changes nothing)."""
    profile, _account = own_profile(session, rider)
    receipt = service.mark_read(session, profile, notice_id)
    session.commit()
    return _receipt(session, receipt)


@router.post("/notices/{notice_id}/share", response_model=ReceiptPublic)
def share_notice(notice_id: DbId, session: WriteSession, rider: RiderAccount) -> ReceiptPublic:
    """I passed this notice on; an approved rider earns points for it once."""
    profile, _account = own_profile(session, rider)
    receipt = service.mark_shared(session, profile, notice_id)
    session.commit()
    return _receipt(session, receipt)


def _receipt(session: Session, receipt: NoticeReceipt) -> ReceiptPublic:
    entry = entry_for_source(
        session, receipt.rider_id, EntryKind.NOTICE_SHARE, str(receipt.notice_id)
    )
    return ReceiptPublic(
        notice_id=receipt.notice_id,
        read_at=receipt.read_at,
        shared_at=receipt.shared_at,
        points_earned=entry.amount if entry else 0,
    )
