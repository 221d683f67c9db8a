"""Rider registration (报到备案) and volunteer teams."""

import re

from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, Role
from app.accounts.service import create_account
from app.core.errors import Conflict, Unprocessable
from app.grids.models import Grid, GridLevel
from app.riders.models import Platform, RiderProfile, Team

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mask_phone(phone: str) -> str:
    """13800000001 -> 138****0001."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


def register_rider(
    session: Session,
    *,
    phone: str,
    name: str,
    password: str,
    platform: Platform,
    party_member: bool,
    community_code: str,
    team_id: int | None,
) -> tuple[Account, RiderProfile]:
    """A pending rider account and its profile (flushes; the caller commits)."""
    if not MAINLAND_MOBILE.match(phone):
        raise Unprocessable.for_field("phone", "a mainland mobile number: 1[3-9] and 9 digits")
    community = session.exec(
        select(Grid).where(Grid.code == community_code, Grid.level == GridLevel.COMMUNITY)
    ).first()
    if community is None:
        raise Unprocessable.for_field("community_code", f"no community {community_code!r}")
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None or team.community_code != community_code:
            raise Unprocessable.for_field("team_id", "no such team in this community")
    if session.exec(select(RiderProfile.account_id).where(RiderProfile.phone == phone)).first():
        raise Conflict("This phone number is already registered.")
    account = create_account(
        session,
        role=Role.RIDER,
        username=phone,
        password=password,
        display_name=name,
        status=AccountStatus.PENDING,
    )
    assert account.id is not None
    profile = RiderProfile(
        account_id=account.id,
        name=name,
        phone=phone,
        platform=platform,
        party_member=party_member,
        community_code=community_code,
        team_id=team_id,
    )
    session.add(profile)
    session.flush()
    return account, profile


def list_teams(session: Session, community_code: str | None) -> list[Team]:
    """Volunteer teams, optionally of one community."""
    query = select(Team).order_by(col(Team.community_code), col(Team.id))
    if community_code:
        query = query.where(Team.community_code == community_code)
    return list(session.exec(query))
