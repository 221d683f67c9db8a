"""Plain factories for riders and volunteer teams."""

from sqlmodel import Session

from app.accounts.models import AccountStatus
from app.riders.models import Platform, RiderProfile, RiderRole, Team
from app.riders.service import register_rider
from tests.factories import COMMUNITY, PASSWORD


def make_team(session: Session, name: str = "第一志愿队", *, community: str = COMMUNITY) -> Team:
    team = Team(name=name, community_code=community, area_name=f"{name}片区")
    session.add(team)
    session.commit()
    return team


def make_rider(
    session: Session,
    phone: str,
    *,
    name: str = "王师傅",
    community: str = COMMUNITY,
    team: Team | None = None,
    active: bool = True,
    roles: tuple[RiderRole, ...] = (),
) -> RiderProfile:
    """A registered rider, approved (active) unless told otherwise."""
    account, profile = register_rider(
        session,
        phone=phone,
        name=name,
        password=PASSWORD,
        platform=Platform.MEITUAN,
        party_member=False,
        community_code=community,
        team_id=team.id if team else None,
        roles=roles,
    )
    if active:
        account.status = AccountStatus.ACTIVE
        session.add(account)
    session.commit()
    return profile


def rider_phone(number: int) -> str:
    """A distinct valid mainland mobile number per test rider: 13900000001, …"""
    return f"139{number:08d}"
