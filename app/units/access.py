"""Who may see the handling units."""

from app.accounts.access import AREA_MANAGERS

UNIT_LISTERS = AREA_MANAGERS.refusing("Only coordinators and admins list handling units.")
