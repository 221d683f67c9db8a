"""Rider self-registration and the public list of teams."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field, field_validator

from app.accounts.models import AccountStatus
from app.core.deps import SessionDep
from app.riders import service
from app.riders.models import Platform

router = APIRouter(tags=["riders"])


class RiderRegistration(BaseModel):
    phone: str = Field(min_length=11, max_length=11)
    name: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=8, max_length=128)
    platform: Platform
    party_member: bool = False
    community_code: str = Field(min_length=1, max_length=32)
    team_id: int | None = None

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("name must not be blank")
        return value


class RiderRegistered(BaseModel):
    id: int
    status: AccountStatus
    name: str
    phone: str
    platform: Platform
    party_member: bool
    community_code: str
    team_id: int | None


class TeamPublic(BaseModel):
    id: int
    name: str
    community_code: str


class TeamList(BaseModel):
    items: list[TeamPublic]


@router.post("/riders", response_model=RiderRegistered, status_code=status.HTTP_201_CREATED)
def register(body: RiderRegistration, session: SessionDep) -> RiderRegistered:
    """报到备案: a rider registers with a community and waits for approval."""
    account, profile = service.register_rider(session, **body.model_dump())
    session.commit()
    assert account.id is not None
    return RiderRegistered(
        id=account.id,
        status=account.status,
        name=profile.name,
        phone=profile.phone,
        platform=profile.platform,
        party_member=profile.party_member,
        community_code=profile.community_code,
        team_id=profile.team_id,
    )


@router.get("/teams", response_model=TeamList)
def list_teams(
    session: SessionDep, community_code: Annotated[str | None, Query(max_length=32)] = None
) -> TeamList:
    """Volunteer teams, for the registration form."""
    teams = service.list_teams(session, community_code)
    return TeamList(
        items=[
            TeamPublic(id=t.id, name=t.name, community_code=t.community_code)
            for t in teams
            if t.id is not None
        ]
    )
