"""The registry of domain-event subscribers: importing this module wires them all.

Each domain that reacts to another's events keeps its subscribers in `<domain>/handlers.py`
and is listed here once.
"""

from app.figures import handlers as figures_handlers  # noqa: F401
from app.notifications import handlers as notifications_handlers  # noqa: F401
from app.points import handlers as points_handlers  # noqa: F401
from app.push import handlers as push_handlers  # noqa: F401
from app.verifications import handlers as verifications_handlers  # noqa: F401
from app.webhooks import handlers as webhooks_handlers  # noqa: F401
