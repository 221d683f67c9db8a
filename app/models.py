"""The table registry: importing this module registers every table (Alembic and tests use it)."""

from app.accounts import models as accounts
from app.cases import models as cases
from app.categories import models as categories
from app.grids import models as grids
from app.reports import models as reports
from app.riders import models as riders
from app.units import models as units

__all__ = ["accounts", "cases", "categories", "grids", "reports", "riders", "units"]
