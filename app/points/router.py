"""Points: a rider's balance, entries and monthly statement; adjustments, rules, leaderboards."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from sqlmodel import Session

from app.accounts.deps import (
    AdminAccount,
    AreaManagerAccount,
    CurrentAccount,
    CurrentScope,
    RiderAccount,
)
from app.core.clock import utcnow
from app.core.deps import ReadSession, WriteSession
from app.core.errors import Unprocessable
from app.core.inputs import DbId
from app.core.messages import Message, MessageError
from app.grids.service import grid_by_code
from app.points import leaderboards, service
from app.points.models import PointsEntry, PointsRule
from app.points.periods import month_bounds, month_of
from app.points.rules import PointsRuleCode
from app.points.schemas import (
    AdjustmentRequest,
    BoardKind,
    BoardPeriod,
    EntryPublic,
    Leaderboard,
    PointsSummary,
    RiderStandingPublic,
    RuleList,
    RulePublic,
    RuleUpdate,
    TeamStandingPublic,
)
from app.points.statement import statement_csv
from app.riders.public import rider_brief
from app.riders.service import own_profile, rider_in_scope

router = APIRouter(tags=["points"])
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# OpenAPI: the statements answer CSV, not JSON.
STATEMENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "月度积分明细, UTF-8 CSV with BOM"}
}


EntryLimit = Annotated[int, Query(ge=1, le=1000)]
MonthQuery = Annotated[str | None, Query(description="YYYY-MM, Asia/Shanghai; default now")]


def _entry(entry: PointsEntry) -> EntryPublic:
    return EntryPublic.model_validate(entry, from_attributes=True)


def _summary(session: Session, rider_id: int, limit: int) -> PointsSummary:
    entries = service.recent_entries(session, rider_id, limit=limit)
    return PointsSummary(
        balance=service.balance_of(session, rider_id), entries=[_entry(e) for e in entries]
    )


def _statement(session: Session, rider_id: int, month: str | None) -> Response:
    month = month or month_of(utcnow())
    try:
        opening, entries = service.month_entries(session, rider_id, month)
    except MessageError as exc:
        raise Unprocessable.for_field("month", exc.message) from None
    return Response(
        statement_csv(month, opening, entries),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="points-{rider_id}-{month}.csv"'},
    )


@router.get("/me/points", response_model=PointsSummary)
def my_points(session: ReadSession, rider: RiderAccount, limit: EntryLimit = 100) -> PointsSummary:
    """My balance and latest entries, newest first."""
    profile, _account = own_profile(session, rider)
    return _summary(session, profile.account_id, limit)


@router.get("/me/points/statement", response_class=Response, responses=STATEMENT_RESPONSES)
def my_statement(session: ReadSession, rider: RiderAccount, month: MonthQuery = None) -> Response:
    """月度积分明细: my entries of a month as CSV (UTF-8 with BOM, opens in Excel)."""
    profile, _account = own_profile(session, rider)
    return _statement(session, profile.account_id, month)


@router.get("/riders/{rider_id}/points", response_model=PointsSummary)
def rider_points(
    rider_id: DbId,
    session: ReadSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
    limit: EntryLimit = 100,
) -> PointsSummary:
    """A rider's balance and latest entries, for area managers covering the rider's community."""
    rider_in_scope(session, scope, rider_id)
    return _summary(session, rider_id, limit)


@router.get(
    "/riders/{rider_id}/points/statement",
    response_class=Response,
    responses=STATEMENT_RESPONSES,
)
def rider_statement(
    rider_id: DbId,
    session: ReadSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
    month: MonthQuery = None,
) -> Response:
    """A rider's monthly statement as CSV, for area managers covering the rider's community."""
    rider_in_scope(session, scope, rider_id)
    return _statement(session, rider_id, month)


@router.post("/points/adjustments", response_model=EntryPublic, status_code=201)
def adjust_points(
    body: AdjustmentRequest,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
    response: Response,
) -> EntryPublic:
    """A manual entry with a reason, recorded with who made it; a retried client_id answers
    200 with the entry already made."""
    entry, created = service.adjust(
        session,
        scope,
        rider_id=body.rider_id,
        amount=body.amount,
        reason=body.reason,
        actor_id=scope.account_id,
        client_id=str(body.client_id) if body.client_id else None,
    )
    session.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return _entry(entry)


@router.get("/points/rules", response_model=RuleList)
def list_rules(session: ReadSession, _account: CurrentAccount) -> RuleList:
    """The points rules (志愿服务积分兑换细则); a report's own points are its category's."""
    return RuleList(items=[_rule(rule) for rule in service.list_rules(session)])


@router.patch("/points/rules/{code}", response_model=RulePublic)
def update_rule(
    code: PointsRuleCode, body: RuleUpdate, session: WriteSession, admin: AdminAccount
) -> RulePublic:
    """Change a rule from now on; entries already made keep their amounts."""
    assert admin.id is not None
    rule = service.update_rule(session, code, points=body.points, actor_id=admin.id)
    session.commit()
    return _rule(rule)


def _rule(rule: PointsRule) -> RulePublic:
    return RulePublic.model_validate(rule, from_attributes=True)


@router.get("/leaderboards", response_model=Leaderboard)
def leaderboard(
    session: ReadSession,
    _account: CurrentAccount,
    kind: BoardKind = BoardKind.RIDERS,
    period: BoardPeriod = BoardPeriod.MONTH,
    area: Annotated[
        str | None, Query(max_length=32, description="street or community code")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Leaderboard:
    """Riders or teams by points earned through service (redemptions do not lower a rank)."""
    area_path = None
    if area:
        grid = grid_by_code(session, area)
        if grid is None:
            raise Unprocessable.for_field("area", Message("points.no-area", code=area))
        area_path = grid.path
    month = month_of(utcnow()) if period is BoardPeriod.MONTH else None
    since = month_bounds(month)[0] if month else None
    items: list[RiderStandingPublic] | list[TeamStandingPublic]
    if kind is BoardKind.RIDERS:
        items = [
            RiderStandingPublic(
                rank=standing.rank,
                points=standing.points,
                # Every rider sees leaderboards: phones are masked whoever asks.
                rider=rider_brief(standing.profile, viewer=None),
            )
            for standing in leaderboards.rider_board(
                session, area_path=area_path, since=since, limit=limit
            )
        ]
    else:
        items = [
            TeamStandingPublic(
                rank=standing.rank,
                points=standing.points,
                team_id=standing.team.id or 0,
                name=standing.team.name,
                community_code=standing.team.community_code,
                member_count=standing.member_count,
            )
            for standing in leaderboards.team_board(
                session, area_path=area_path, since=since, limit=limit
            )
        ]
    return Leaderboard(kind=kind, period=period, area=area, month=month, items=items)
