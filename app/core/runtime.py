"""What one running app holds: settings, engines and the caches built from the database."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from app.core.calendar import WorkCalendar
from app.core.config import Settings
from app.core.db import create_db_engine, writer_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    writer: Engine
    # Per-process caches that domains attach by name (the grid index, the photo store, …).
    caches: dict[str, Any] = field(default_factory=dict)
    # What /readyz checks besides the database, by name: each raises when its part is away.
    readiness_probes: dict[str, Callable[[], None]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Runtime":
        """Open the database named by the settings."""
        engine = create_db_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, writer=writer_engine(engine))

    def work_calendar(self) -> WorkCalendar:
        """The work calendar of the settings, parsed once per process."""
        calendar = self.caches.get(_CALENDAR_CACHE_KEY)
        if calendar is None:
            calendar = WorkCalendar.from_setting(self.settings.work_calendar)
            self.caches[_CALENDAR_CACHE_KEY] = calendar
        assert isinstance(calendar, WorkCalendar)
        return calendar


_CALENDAR_CACHE_KEY = "work_calendar"
