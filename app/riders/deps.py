"""Dependencies for rider-only routes: an approved rider, one who may still be pending (their
own registration only), or an approved one with a profile."""

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import PENDING_REFUSAL, CurrentAccount, SignedInAccount, require_roles
from app.accounts.models import Account, AccountStatus, Role
from app.core.deps import SessionDep, read_apart
from app.core.errors import Forbidden
from app.riders.models import RiderProfile
from app.riders.service import own_profile

RiderAccount = Annotated[Account, Depends(require_roles(Role.RIDER))]


def get_registrant(account: SignedInAccount) -> Account:
    """A rider, approved or still pending: for reading and editing one's own registration."""
    if account.role is not Role.RIDER:
        raise Forbidden("Only riders have a rider profile.")
    return account


RegistrantAccount = Annotated[Account, Depends(get_registrant)]


def get_active_rider(session: SessionDep, account: CurrentAccount) -> RiderProfile:
    """The caller's profile if they are an approved rider; 403 otherwise."""
    profile, rider = read_apart(session, lambda reader: own_profile(reader, account))
    if rider.status is not AccountStatus.ACTIVE:
        raise Forbidden(PENDING_REFUSAL)
    return profile


ActiveRider = Annotated[RiderProfile, Depends(get_active_rider)]
