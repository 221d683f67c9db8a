"""Publishing policy notices, who they reach, and riders reading and passing them on."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus
from app.accounts.scope import Scope
from app.core.area_paths import ancestor_paths, related_to_any, under_any
from app.core.clock import utcnow
from app.core.conditional import update_where
from app.core.errors import Forbidden, NotFound, Unprocessable
from app.core.messages import Message
from app.grids.models import Grid, GridLevel
from app.grids.service import grid_by_code
from app.notices.models import Notice, NoticeReceipt
from app.points.service import pay_for_notice_share
from app.riders.models import RiderProfile, Team
from app.riders.service import community_of

AUDIENCE_LEVELS = frozenset({GridLevel.COUNTY, GridLevel.STREET, GridLevel.COMMUNITY})


@dataclass(frozen=True)
class Reach:
    audience: int  # active riders the notice is for
    read: int
    shared: int


def publish_notice(
    session: Session,
    scope: Scope,
    *,
    author_id: int,
    title: str,
    body: str,
    links: Sequence[str],
    area_code: str | None,
    team_id: int | None,
) -> Notice:
    """A notice for an area or a team the author covers; admins may address everyone."""
    if area_code is not None and team_id is not None:
        raise Unprocessable.for_field("team_id", Message("notices.area-or-team"))
    audience_path = None
    if team_id is not None:
        team = session.get(Team, team_id)
        community = community_of(session, team.community_code) if team else None
        if community is None:
            raise Unprocessable.for_field("team_id", Message("notices.no-team", team_id=team_id))
        audience_path = community.path
    elif area_code is not None:
        area = grid_by_code(session, area_code)
        if area is None or area.level not in AUDIENCE_LEVELS:
            raise Unprocessable.for_field("area_code", Message("rewards.area-code"))
        audience_path = area.path
    elif not scope.sees_everything:
        area = _the_one_area(session, scope)
        area_code, audience_path = area.code, area.path
    if audience_path is not None and not scope.covers(audience_path):
        raise Forbidden(Message("notices.not-your-area"))
    notice = Notice(
        title=title,
        body=body,
        links=list(links),
        audience_area_code=area_code,
        audience_path=audience_path,
        audience_team_id=team_id,
        author_id=author_id,
    )
    session.add(notice)
    session.flush()
    return notice


def _the_one_area(session: Session, scope: Scope) -> Grid:
    """“All my areas” for a coordinator who owns one street or community: that area."""
    paths = scope.area_paths or ()
    area = session.exec(select(Grid).where(Grid.path == paths[0])).first() if paths else None
    if len(paths) != 1 or area is None or area.level not in AUDIENCE_LEVELS:
        raise Unprocessable.for_field("area_code", Message("notices.audience-needed"))
    return area


def _for_rider(session: Session, profile: RiderProfile) -> ColumnElement[bool]:
    community = community_of(session, profile.community_code)
    paths = [*ancestor_paths(community.path), community.path] if community else []
    area_notice = and_(
        col(Notice.audience_team_id).is_(None),
        or_(col(Notice.audience_path).is_(None), col(Notice.audience_path).in_(paths)),
    )
    if profile.team_id is None:
        return area_notice
    return or_(area_notice, col(Notice.audience_team_id) == profile.team_id)


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    if scope.area_paths is None:
        return col(Notice.id).is_not(None)
    return or_(
        col(Notice.audience_path).is_(None), related_to_any(Notice.audience_path, scope.area_paths)
    )


def notices_for_rider(
    session: Session, profile: RiderProfile, *, before_id: int | None, limit: int
) -> list[tuple[Notice, NoticeReceipt | None]]:
    """Notices addressed to the rider, newest first, with the rider's receipt."""
    query = (
        select(Notice, NoticeReceipt)
        .outerjoin(
            NoticeReceipt,
            and_(
                col(NoticeReceipt.notice_id) == col(Notice.id),
                col(NoticeReceipt.rider_id) == profile.account_id,
            ),
        )
        .where(_for_rider(session, profile))
        .order_by(col(Notice.id).desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(col(Notice.id) < before_id)
    return [(notice, receipt) for notice, receipt in session.exec(query)]


def notices_in_scope(
    session: Session, scope: Scope, *, before_id: int | None, limit: int
) -> list[Notice]:
    """Notices for the area manager's areas and those above them, newest first."""
    query = select(Notice).where(_in_scope(scope)).order_by(col(Notice.id).desc()).limit(limit)
    if before_id is not None:
        query = query.where(col(Notice.id) < before_id)
    return list(session.exec(query))


def notice_for_rider(session: Session, profile: RiderProfile, notice_id: int) -> Notice:
    """A notice addressed to the rider; 404 otherwise."""
    notice = session.exec(
        select(Notice).where(Notice.id == notice_id, _for_rider(session, profile))
    ).first()
    if notice is None:
        raise NotFound(Message("notices.no-notice", notice_id=notice_id))
    return notice


def notice_in_scope(session: Session, scope: Scope, notice_id: int) -> Notice:
    """A notice the area manager may see; 404 otherwise."""
    notice = session.exec(select(Notice).where(Notice.id == notice_id, _in_scope(scope))).first()
    if notice is None:
        raise NotFound(Message("notices.no-notice", notice_id=notice_id))
    return notice


def receipt_of(session: Session, notice_id: int, rider_id: int) -> NoticeReceipt | None:
    """A rider's receipt of a notice, if they opened it."""
    return session.exec(
        select(NoticeReceipt).where(
            NoticeReceipt.notice_id == notice_id, NoticeReceipt.rider_id == rider_id
        )
    ).first()


def mark_read(session: Session, profile: RiderProfile, notice_id: int) -> NoticeReceipt:
    """Record that the rider read the notice (the first time counts); flushes."""
    notice = notice_for_rider(session, profile, notice_id)
    receipt = _receipt(session, notice, profile.account_id)
    _stamp_once(session, receipt, "read_at")
    return receipt


def mark_shared(session: Session, profile: RiderProfile, notice_id: int) -> NoticeReceipt:
    """Record that the rider passed the notice on (and so read it); the first time pays the
    points (the receipt shows them, so this calls the points service, not an event). Flushes."""
    notice = notice_for_rider(session, profile, notice_id)
    receipt = _receipt(session, notice, profile.account_id)
    _stamp_once(session, receipt, "read_at")
    if _stamp_once(session, receipt, "shared_at"):
        assert notice.id is not None
        pay_for_notice_share(
            session, rider_id=profile.account_id, notice_id=notice.id, title=notice.title
        )
    return receipt


def _receipt(session: Session, notice: Notice, rider_id: int) -> NoticeReceipt:
    assert notice.id is not None
    receipt = receipt_of(session, notice.id, rider_id)
    if receipt is not None:
        return receipt
    try:
        with session.begin_nested():
            session.add(NoticeReceipt(notice_id=notice.id, rider_id=rider_id))
    except IntegrityError:
        pass  # the rider's other request made it first
    found = receipt_of(session, notice.id, rider_id)
    assert found is not None
    return found


def _stamp_once(session: Session, receipt: NoticeReceipt, column: str) -> bool:
    # Conditional on the column being empty: of concurrent requests, exactly one stamps it.
    return update_where(
        session,
        NoticeReceipt,
        receipt,
        getattr(NoticeReceipt, column).is_(None),
        values={column: utcnow()},
    )


def reach_of(session: Session, notice: Notice) -> Reach:
    """How many active riders the notice is for, and how many read it and passed it on."""
    read, shared = session.exec(
        select(
            func.count(col(NoticeReceipt.read_at)), func.count(col(NoticeReceipt.shared_at))
        ).where(NoticeReceipt.notice_id == notice.id)
    ).one()
    audience = (
        select(func.count())
        .select_from(RiderProfile)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(Account.status == AccountStatus.ACTIVE)
    )
    if notice.audience_team_id is not None:
        audience = audience.where(RiderProfile.team_id == notice.audience_team_id)
    elif notice.audience_path is not None:
        audience = audience.join(Grid, col(Grid.code) == col(RiderProfile.community_code)).where(
            under_any(Grid.path, [notice.audience_path])
        )
    return Reach(audience=int(session.exec(audience).one()), read=int(read), shared=int(shared))
