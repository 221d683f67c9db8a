"""The per-process grid index: built from the database, rebuilt when grids change."""

import json
import threading
import time
from dataclasses import dataclass

from shapely.geometry import shape
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.core import generations
from app.core.runtime import Runtime
from app.grids import service
from app.grids.geometry import GridGeometry
from app.grids.index import GridIndex
from app.grids.models import Grid, GridLevel

# How often a process asks the database whether another process changed the grids: an import
# on one process is used by every other within about this long.
GENERATION_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class GridSnapshot:
    """One consistent view of the grids: the spatial indexes and the names by code."""

    grids: GridIndex
    communities: GridIndex
    names: dict[str, str]
    parents: dict[str, str | None]
    paths: dict[str, str]


class GridLocator:
    """Answers point look-ups from memory; checks the grids' generation (bumped by every import)
    in the database at most every GENERATION_CHECK_SECONDS."""

    def __init__(self) -> None:
        self._snapshot: GridSnapshot | None = None
        self._generation: int | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def snapshot(self, session: Session) -> GridSnapshot:
        """The current snapshot, rebuilt first if the grids changed."""
        now = time.monotonic()
        if self._snapshot is not None and now - self._checked_at < GENERATION_CHECK_SECONDS:
            return self._snapshot
        with self._lock:
            generation = generations.current(session, service.GRIDS_GENERATION)
            if self._snapshot is None or generation != self._generation:
                self._snapshot = _build_snapshot(session)
                self._generation = generation
            self._checked_at = now
            return self._snapshot

    def invalidate(self) -> None:
        """Forget the snapshot (this process just changed the grids)."""
        with self._lock:
            self._checked_at = float("-inf")
            self._generation = None


def _build_snapshot(session: Session) -> GridSnapshot:
    rows = session.execute(
        sa_select(  # type: ignore[call-overload]
            Grid.code, Grid.name, Grid.level, Grid.parent_code, Grid.path, Grid.geometry
        )
    ).all()
    by_level: dict[GridLevel, list[tuple[str, GridGeometry]]] = {level: [] for level in GridLevel}
    for code, _name, level, _parent, _path, geometry in rows:
        if level in (GridLevel.GRID, GridLevel.COMMUNITY):
            by_level[level].append((code, shape(json.loads(geometry))))
    return GridSnapshot(
        grids=GridIndex(by_level[GridLevel.GRID]),
        communities=GridIndex(by_level[GridLevel.COMMUNITY]),
        names={row[0]: row[1] for row in rows},
        parents={row[0]: row[3] for row in rows},
        paths={row[0]: row[4] for row in rows},
    )


@dataclass(frozen=True)
class Location:
    """Where a WGS-84 point falls: its grid (or None) and the community that answers for it."""

    grid_code: str | None
    community_code: str | None
    area_path: str | None


def locate_point(snapshot: GridSnapshot, lon: float, lat: float, max_distance_m: float) -> Location:
    """The grid containing the point; else the nearest community within `max_distance_m`."""
    grid_code = snapshot.grids.locate(lon, lat)
    if grid_code is not None:
        return Location(grid_code, snapshot.parents.get(grid_code), snapshot.paths[grid_code])
    community = snapshot.communities.nearest(lon, lat, max_distance_m)
    return Location(None, community, snapshot.paths[community] if community else None)


def locator_of(runtime: Runtime) -> GridLocator:
    """This process's grid locator."""
    locator = runtime.caches.get("grid_locator")
    if locator is None:
        locator = runtime.caches.setdefault("grid_locator", GridLocator())
    assert isinstance(locator, GridLocator)
    return locator
