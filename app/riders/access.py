"""Who may do what with rider profiles."""

from app.accounts.access import ADMINS, RIDERS
from app.accounts.models import Account
from app.core.messages import Message
from app.riders.models import RiderProfile

# A rider may read and edit their own registration while it awaits approval.
REGISTRANTS = RIDERS.refusing(Message("riders.riders-only"))


def sees_full_phone(viewer: Account | None, profile: RiderProfile) -> bool:
    """Admins and the rider themself see the full phone; everyone else a masked one."""
    return viewer is not None and (ADMINS.admits(viewer.role) or viewer.id == profile.account_id)
