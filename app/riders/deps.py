"""Dependencies for rider-only routes: an approved rider, one who may still be pending (their
own registration only), or an approved one with a profile."""

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import PENDING_REFUSAL, CurrentAccount, SignedInAccount, admitting
from app.accounts.models import Account, AccountStatus
from app.core.deps import ReadSession, read_apart
from app.core.errors import Forbidden
from app.riders.access import REGISTRANTS
from app.riders.models import RiderProfile
from app.riders.service import own_profile

# A rider, approved or still pending: for reading and editing one's own registration.
RegistrantAccount = Annotated[Account, admitting(REGISTRANTS, SignedInAccount)]


def get_active_rider(session: ReadSession, account: CurrentAccount) -> RiderProfile:
    """The caller's profile if they are an approved rider; 403 otherwise."""
    profile, rider = read_apart(session, lambda reader: own_profile(reader, account))
    if rider.status is not AccountStatus.ACTIVE:
        raise Forbidden(PENDING_REFUSAL)
    return profile


ActiveRider = Annotated[RiderProfile, Depends(get_active_rider)]
