"""Dependencies for rider-only routes: any rider, or an approved (active) one with a profile."""

from typing import Annotated

from fastapi import Depends

from app.accounts.models import Account, AccountStatus, Role
from app.core.deps import CurrentAccount, SessionDep, read_apart, require_roles
from app.core.errors import Forbidden
from app.riders.models import RiderProfile
from app.riders.service import own_profile

RiderAccount = Annotated[Account, Depends(require_roles(Role.RIDER))]


def get_active_rider(session: SessionDep, account: CurrentAccount) -> RiderProfile:
    """The caller's profile if they are an approved rider; 403 otherwise."""
    profile, rider = read_apart(session, lambda reader: own_profile(reader, account))
    if rider.status is not AccountStatus.ACTIVE:
        raise Forbidden("报到备案审核通过后才能使用。Only approved riders may do this.")
    return profile


ActiveRider = Annotated[RiderProfile, Depends(get_active_rider)]
