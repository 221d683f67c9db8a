"""Volunteer teams: create, change and show a team's page (its members' points make it a points
read-model; listed under the riders in the API docs, as teams are riders' business)."""

from fastapi import APIRouter, status

from app.accounts.deps import AreaManagerAccount, CurrentAccount, CurrentScope
from app.core.deps import ReadSession, WriteSession
from app.core.inputs import DbId
from app.points.team_page import TeamPage, build_team_page
from app.riders import service
from app.riders.schemas import TeamChanges, TeamCreate

router = APIRouter(tags=["riders"])


@router.post("/teams", response_model=TeamPage, status_code=status.HTTP_201_CREATED)
def create_team(
    body: TeamCreate, session: WriteSession, manager: AreaManagerAccount, scope: CurrentScope
) -> TeamPage:
    """A new volunteer team in one of the caller's communities."""
    team = service.create_team(
        session,
        scope,
        name=body.name,
        community_code=body.community_code,
        area_name=body.area_name,
    )
    session.commit()
    return build_team_page(session, team, manager)


@router.patch("/teams/{team_id}", response_model=TeamPage)
def update_team(
    team_id: DbId,
    body: TeamChanges,
    session: WriteSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
) -> TeamPage:
    """Rename a team or set its leader (an active member; null clears it)."""
    changes = body.model_dump(exclude_unset=True)
    team = service.update_team(session, scope, team_id, changes)
    session.commit()
    return build_team_page(session, team, manager)


@router.get("/teams/{team_id}", response_model=TeamPage)
def team_page(team_id: DbId, session: ReadSession, account: CurrentAccount) -> TeamPage:
    """A team's page: leader, members, this month's activity and points."""
    return build_team_page(session, service.get_team(session, team_id), account)
