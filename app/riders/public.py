"""The one way rider data leaves the API: phones masked for all but admins and the rider."""

from pydantic import BaseModel

from app.accounts.models import Account, AccountStatus
from app.core.phones import mask_phone
from app.riders.access import sees_full_phone
from app.riders.models import Platform, RiderProfile, RiderRole


class RiderPublic(BaseModel):
    id: int
    name: str
    phone: str
    status: AccountStatus
    platform: Platform
    party_member: bool
    community_code: str
    team_id: int | None
    roles: list[RiderRole]


class RiderBrief(BaseModel):
    """A rider as named in lists others read: leaderboards, team pages, redemptions."""

    id: int
    name: str
    phone: str
    team_id: int | None


def phone_for(viewer: Account | None, profile: RiderProfile) -> str:
    """The full phone for an admin or the rider themself, masked for everyone else."""
    if sees_full_phone(viewer, profile):
        return profile.phone
    return mask_phone(profile.phone)


def rider_public(
    profile: RiderProfile, status: AccountStatus, *, viewer: Account | None
) -> RiderPublic:
    """A rider as `viewer` may see them; viewer None masks the phone for everyone."""
    return RiderPublic(
        id=profile.account_id,
        name=profile.name,
        phone=phone_for(viewer, profile),
        status=status,
        platform=profile.platform,
        party_member=profile.party_member,
        community_code=profile.community_code,
        team_id=profile.team_id,
        roles=[RiderRole(role) for role in profile.roles],
    )


def rider_brief(profile: RiderProfile, *, viewer: Account | None) -> RiderBrief:
    """A rider's name and phone as `viewer` may see them; viewer None masks for everyone."""
    return RiderBrief(
        id=profile.account_id,
        name=profile.name,
        phone=phone_for(viewer, profile),
        team_id=profile.team_id,
    )
