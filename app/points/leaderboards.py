"""Leaderboards of riders and teams by points earned through service, per area and period."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus
from app.core.area_paths import under_any
from app.grids.models import Grid
from app.points.models import PointsEntry
from app.points.rules import SPENDING_KINDS
from app.riders.models import RiderProfile, Team


@dataclass(frozen=True)
class RiderStanding:
    rank: int
    profile: RiderProfile
    points: int


@dataclass(frozen=True)
class TeamStanding:
    rank: int
    team: Team
    points: int
    member_count: int


def competition_ranks(points: Sequence[int]) -> list[int]:
    """Ranks of points sorted high to low, ties sharing a rank: 9, 7, 7, 5 -> 1, 2, 2, 4."""
    ranks: list[int] = []
    for index, value in enumerate(points):
        ranks.append(ranks[-1] if index and value == points[index - 1] else index + 1)
    return ranks


def rider_board(
    session: Session, *, area_path: str | None, since: datetime | None, limit: int
) -> list[RiderStanding]:
    """Active riders of the area with the most points earned since `since` (None: ever)."""
    total = func.sum(PointsEntry.amount).label("total")
    query = (
        select(RiderProfile, total)
        .join(PointsEntry, col(PointsEntry.rider_id) == col(RiderProfile.account_id))
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(
            Account.status == AccountStatus.ACTIVE,
            col(PointsEntry.kind).not_in(SPENDING_KINDS),
        )
        .group_by(col(RiderProfile.account_id))
        .having(total > 0)
        .order_by(total.desc(), col(RiderProfile.account_id))
        .limit(limit)
    )
    if since is not None:
        query = query.where(PointsEntry.created_at >= since)
    if area_path is not None:
        query = query.join(Grid, col(Grid.code) == col(RiderProfile.community_code)).where(
            under_any(Grid.path, [area_path])
        )
    rows = list(session.exec(query))
    ranks = competition_ranks([int(points) for _profile, points in rows])
    return [
        RiderStanding(rank=rank, profile=profile, points=int(points))
        for rank, (profile, points) in zip(ranks, rows, strict=True)
    ]


def team_board(
    session: Session, *, area_path: str | None, since: datetime | None, limit: int
) -> list[TeamStanding]:
    """Teams of the area by their current members' points since `since`, every team listed."""
    teams_query = select(Team)
    if area_path is not None:
        teams_query = teams_query.join(Grid, col(Grid.code) == col(Team.community_code)).where(
            under_any(Grid.path, [area_path])
        )
    teams = {team.id: team for team in session.exec(teams_query)}
    if not teams:
        return []
    active_member = (
        select(RiderProfile.team_id, RiderProfile.account_id)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(col(RiderProfile.team_id).in_(teams), Account.status == AccountStatus.ACTIVE)
        .subquery()
    )
    members = dict(
        session.exec(
            select(active_member.c.team_id, func.count()).group_by(active_member.c.team_id)
        ).all()
    )
    points_query = (
        select(active_member.c.team_id, func.sum(PointsEntry.amount))
        .join(PointsEntry, col(PointsEntry.rider_id) == active_member.c.account_id)
        .where(col(PointsEntry.kind).not_in(SPENDING_KINDS))
        .group_by(active_member.c.team_id)
    )
    if since is not None:
        points_query = points_query.where(PointsEntry.created_at >= since)
    points = {team_id: int(total) for team_id, total in session.exec(points_query)}
    ordered = sorted(teams.values(), key=lambda team: (-points.get(team.id, 0), team.id or 0))
    ordered = ordered[:limit]
    ranks = competition_ranks([points.get(team.id, 0) for team in ordered])
    return [
        TeamStanding(
            rank=rank,
            team=team,
            points=points.get(team.id, 0),
            member_count=int(members.get(team.id, 0)),
        )
        for rank, team in zip(ranks, ordered, strict=True)
    ]
