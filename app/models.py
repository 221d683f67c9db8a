"""The table registry: importing this module registers every table (Alembic and tests use it)."""

from app.accounts import models as accounts
from app.cases import models as cases
from app.categories import models as categories
from app.core import generations, leases, rate_windows
from app.figures import models as figures
from app.grids import models as grids
from app.notices import models as notices
from app.notifications import models as notifications
from app.points import models as points
from app.presets import models as presets
from app.push import models as push
from app.reports import models as reports
from app.rewards import models as rewards
from app.riders import models as riders
from app.units import models as units
from app.verifications import models as verifications
from app.webhooks import models as webhooks

__all__ = [
    "accounts",
    "cases",
    "categories",
    "figures",
    "generations",
    "grids",
    "leases",
    "notices",
    "notifications",
    "points",
    "presets",
    "push",
    "rate_windows",
    "reports",
    "rewards",
    "riders",
    "units",
    "verifications",
    "webhooks",
]
