"""Plain factories for riders and volunteer teams."""

from datetime import timedelta

from sqlmodel import Session

from app.accounts.models import Account, AccountStatus, Role
from app.core.config import Settings
from app.core.security import issue_token
from app.riders.models import Platform, RiderProfile, RiderRole, Team
from app.riders.privacy_notice import CURRENT_NOTICE
from app.riders.service import register_rider
from tests.factories import COMMUNITY, PASSWORD
from tests.fixtures.people import password_hash


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
    registered = register_rider(
        session,
        phone=phone,
        name=name,
        password=PASSWORD,
        platform=Platform.MEITUAN,
        party_member=False,
        community_code=community,
        team_id=team.id if team else None,
        privacy_consent_version=CURRENT_NOTICE.version,
        roles=roles,
    )
    assert registered is not None, f"{phone} was registered already"
    profile, account = registered
    if active:
        account.status = AccountStatus.ACTIVE
        session.add(account)
    session.commit()
    return profile


def rider_phone(number: int) -> str:
    """A distinct valid mainland mobile number per test rider: 13900000001, …"""
    return f"139{number:08d}"


def make_many_riders(
    session: Session, count: int, *, community: str = COMMUNITY
) -> list[RiderProfile]:
    """`count` active riders at once, sharing one password hash (hashing is slow on purpose)."""
    profiles = []
    for number in range(1, count + 1):
        phone = rider_phone(number)
        account = Account(
            username=phone,
            password_hash=password_hash(),
            role=Role.RIDER,
            status=AccountStatus.ACTIVE,
            display_name=f"骑手{number}",
        )
        session.add(account)
        session.flush()
        assert account.id is not None
        profile = RiderProfile(
            account_id=account.id,
            name=f"骑手{number}",
            phone=phone,
            platform=Platform.ELEME,
            community_code=community,
        )
        session.add(profile)
        profiles.append(profile)
    session.commit()
    return profiles


def token_headers(settings: Settings, account_id: int) -> dict[str, str]:
    """Authorization headers for an account without a password login (which is slow)."""
    token = issue_token(account_id, secret_key=settings.secret_key, lifetime=timedelta(hours=1))
    return {"Authorization": f"Bearer {token.access_token}"}
