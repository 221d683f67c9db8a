"""Who may see the handling units."""

from app.accounts.access import AREA_MANAGERS
from app.core.messages import Message

UNIT_LISTERS = AREA_MANAGERS.refusing(Message("units.listers-only"))
