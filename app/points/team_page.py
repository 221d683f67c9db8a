"""A volunteer team's page: leader, members with their points, and this month's activity."""

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.core.clock import utcnow
from app.points.periods import month_bounds, month_of
from app.points.service import earned_by_rider
from app.reports.models import Report
from app.riders.models import RiderRole, Team
from app.riders.public import RiderBrief, rider_brief
from app.riders.service import team_members


class TeamMember(BaseModel):
    rider: RiderBrief
    roles: list[RiderRole]
    points_this_month: int
    points_total: int


class TeamActivity(BaseModel):
    month: str
    reports: int  # reports the members sent this month
    points: int  # points the members earned this month


class TeamPage(BaseModel):
    id: int
    name: str
    community_code: str
    area_name: str
    leader: RiderBrief | None
    members: list[TeamMember]
    activity: TeamActivity
    points_total: int


def build_team_page(session: Session, team: Team, viewer: Account) -> TeamPage:
    """The team as `viewer` may see it (phones masked unless admin or the rider)."""
    assert team.id is not None
    members = [profile for profile, _account in team_members(session, team.id)]
    member_ids = [profile.account_id for profile in members]
    month = month_of(utcnow())
    month_start = month_bounds(month)[0]
    this_month = earned_by_rider(session, member_ids, since=month_start)
    total = earned_by_rider(session, member_ids, since=None)
    reports = 0
    if member_ids:
        reports = session.exec(
            select(func.count()).where(
                col(Report.reporter_id).in_(member_ids), Report.created_at >= month_start
            )
        ).one()
    leader = next((p for p in members if p.account_id == team.leader_account_id), None)
    return TeamPage(
        id=team.id,
        name=team.name,
        community_code=team.community_code,
        area_name=team.area_name,
        leader=rider_brief(leader, viewer=viewer) if leader else None,
        members=[
            TeamMember(
                rider=rider_brief(profile, viewer=viewer),
                roles=[RiderRole(role) for role in profile.roles],
                points_this_month=this_month.get(profile.account_id, 0),
                points_total=total.get(profile.account_id, 0),
            )
            for profile in members
        ],
        activity=TeamActivity(month=month, reports=int(reports), points=sum(this_month.values())),
        points_total=sum(total.values()),
    )
