"""Riders' rights (个人信息保护法): a copy of everything held about me, and ending my account."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.accounts.deps import AdminAccount, CallerDep
from app.accounts.models import Account, AccountStatus
from app.accounts.service import confirm_password
from app.core.deps import ReadSession, RuntimeDep, WriteSession, client_address_of
from app.core.errors import Unauthorized
from app.core.inputs import DbId
from app.core.messages import Message
from app.core.pagination import parse_id_cursor
from app.privacy import audits
from app.privacy.erasure import AccountEnded, end_rider_account
from app.privacy.export import export_chunks, export_filename
from app.privacy.schemas import (
    AccountEndedPublic,
    AccountEnding,
    CallerPhoneAuditPage,
    KeptRecord,
    PhotoRevealAuditPage,
)
from app.riders.deps import RegistrantAccount

router = APIRouter(tags=["privacy"])

KEPT = [
    KeptRecord(
        what_zh="您上报的问题（照片、位置、描述）及其处理记录",
        what_en="Your reports (photos, location, description) and their handling record",
        why_zh="属于城市治理的公共记录，处置单位和统计仍需要；它们不再与您关联，也不显示您的姓名。",
        why_en="They are the city's public record, still needed by handling units and the "
        "figures; they are no longer linked to you and show no name.",
    ),
    KeptRecord(
        what_zh="积分流水（匿名）",
        what_en="The points ledger (anonymous)",
        why_zh="用于核对奖品库存和积分总账；不再含有您的姓名和手机号。",
        why_en="So that reward stock and points totals still add up; it no longer carries your "
        "name or phone.",
    ),
    KeptRecord(
        what_zh="您对已办结问题的评价、核查记录和政策宣讲的阅读回执（匿名）",
        what_en="Your ratings of closed cases, verification checks and notice receipts (anonymous)",
        why_zh="属于问题处理和宣讲覆盖的统计记录。",
        why_en="They are part of the cases' record and the notices' reach figures.",
    ),
]
ERASED = [
    "手机号、姓名、所属平台、党员身份、社区和队伍（报到备案信息） · phone, name, platform, "
    "party membership, community and team (your registration)",
    "登录账号和密码，所有登录会话 · your login and password, every session",
    "通知消息 · your notifications",
    "未发放的兑换已取消，积分退回后随账号一并匿名 · pending redemptions cancelled (stock returned)",
]


@router.get(
    "/me/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}}, "description": "a JSON download"}},
)
def export_my_data(rider: RegistrantAccount, runtime: RuntimeDep) -> StreamingResponse:
    """Everything held about me (account, rider profile, consent, reports with their timelines
    and photo links, ratings, points, redemptions, notifications, notice receipts, checks), as
    one JSON document to download. Photo links are signed and expire like any other."""
    assert rider.id is not None
    return StreamingResponse(
        export_chunks(runtime.engine, runtime.settings.secret_key, rider.id),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(rider.id)}"',
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "/me",
    response_model=AccountEndedPublic,
    responses={
        401: {"description": "not signed in, or the account was ended already"},
        403: {"description": "the password is wrong"},
        429: {"description": "too many wrong passwords: wait Retry-After seconds"},
    },
)
def end_my_account(
    body: AccountEnding,
    request: Request,
    session: WriteSession,
    runtime: RuntimeDep,
    rider: RegistrantAccount,
    caller: CallerDep,
) -> AccountEndedPublic:
    """End my account (注销), with my password entered again. My phone, name and registration
    are erased, my sessions end, pending redemptions are cancelled; my reports stay for the
    city's record, unlinked from me. It cannot be undone: a second call is a 401."""
    account = session.get(Account, rider.id)
    # Ended while this request waited for the write lock: the same answer as a later call.
    if account is None or account.status is AccountStatus.DELETED:
        raise Unauthorized(Message("privacy.account-ended"))
    confirm_password(
        session,
        runtime.settings,
        account,
        password=body.password,
        client_address=client_address_of(request),
    )
    ended: AccountEnded = end_rider_account(session, account, caller.token)
    session.commit()
    return AccountEndedPublic(
        message_zh="账号已注销，无法恢复。下面是已删除和仍保留的内容。",
        message_en="Your account has been ended; this cannot be undone. Below is what was "
        "erased and what is kept.",
        erased=ERASED,
        kept=KEPT,
        cancelled_redemptions=ended.cancelled_redemptions,
    )


@router.get("/privacy/photo-reveals", response_model=PhotoRevealAuditPage)
def list_photo_reveals(
    session: ReadSession,
    _admin: AdminAccount,
    viewer_id: Annotated[DbId | None, Query(description="only this coordinator's looks")] = None,
    report_id: Annotated[DbId | None, Query(description="only this report's")] = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> PhotoRevealAuditPage:
    """Admins: every look at a redacted photo region (who, when, which report, photo and region,
    and why), newest first."""
    items = audits.photo_reveals(
        session,
        viewer_id=viewer_id,
        report_id=report_id,
        before_id=parse_id_cursor(cursor),
        limit=limit,
    )
    return PhotoRevealAuditPage(items=items, next_cursor=audits.next_cursor(items, limit))


@router.get("/privacy/caller-phone-views", response_model=CallerPhoneAuditPage)
def list_caller_phone_views(
    session: ReadSession,
    _admin: AdminAccount,
    viewer_id: Annotated[DbId | None, Query(description="only this admin's views")] = None,
    report_id: Annotated[DbId | None, Query(description="only this report's")] = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> CallerPhoneAuditPage:
    """Admins: every view of a recorded caller's whole phone (who, when, which report), newest
    first."""
    items = audits.caller_phone_views(
        session,
        viewer_id=viewer_id,
        report_id=report_id,
        before_id=parse_id_cursor(cursor),
        limit=limit,
    )
    return CallerPhoneAuditPage(items=items, next_cursor=audits.next_cursor(items, limit))
