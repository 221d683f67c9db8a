"""Grid outlines for riders' phones: every grid and community, simplified, with the service-area
distance, so that a phone offline can name a point's grid and tell a point nobody answers for
(in no grid and farther than `unassigned_max_distance_m` from every community: the server's rule).

Built once per grids generation and process, and served with an ETag of that generation, so a
phone that has the current outlines gets a 304 of a few bytes."""

import json
from dataclasses import dataclass

from shapely.geometry import shape
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.core import generations
from app.core.runtime import Runtime
from app.grids import service as grids_service
from app.grids.geometry import to_geojson
from app.grids.models import Grid, GridLevel

# About a metre: a phone names the grid of a point the way the server does except in a strip
# that thin along an edge (the server, with the exact outlines, decides the report's grid).
SIMPLIFY_TOLERANCE_DEG = 0.00001
COORDINATE_DECIMALS = 6
_CACHE_KEY = "grid_outlines"


@dataclass(frozen=True)
class Outlines:
    etag: str
    body: bytes


def current_outlines(runtime: Runtime, session: Session) -> Outlines:
    """The outlines of the grids as they are now (rebuilt when the grids' generation moved)."""
    max_distance_m = runtime.settings.unassigned_max_distance_m
    generation = generations.current(session, grids_service.GRIDS_GENERATION)
    etag = f'"outlines-{generation}-{max_distance_m:g}"'
    cached: Outlines | None = runtime.caches.get(_CACHE_KEY)
    if cached is None or cached.etag != etag:
        cached = Outlines(etag=etag, body=_outlines_json(session, max_distance_m))
        runtime.caches[_CACHE_KEY] = cached
    return cached


def _outlines_json(session: Session, max_distance_m: float) -> bytes:
    rows = session.execute(
        sa_select(  # type: ignore[call-overload]
            Grid.code, Grid.name, Grid.level, Grid.parent_code, Grid.geometry
        )
        .where(col(Grid.level).in_([GridLevel.GRID, GridLevel.COMMUNITY]))
        .order_by(Grid.path)
    ).all()
    features = [
        {
            "type": "Feature",
            "geometry": _simplified(geometry),
            "properties": {"code": code, "name": name, "level": level, "parent_code": parent},
        }
        for code, name, level, parent, geometry in rows
    ]
    document = {
        "type": "FeatureCollection",
        "max_distance_m": max_distance_m,
        "features": features,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _simplified(geometry_json: str) -> dict[str, object]:
    geometry = shape(json.loads(geometry_json)).simplify(
        SIMPLIFY_TOLERANCE_DEG, preserve_topology=True
    )
    geojson = to_geojson(geometry)
    geojson["coordinates"] = _rounded(geojson["coordinates"])
    return geojson


def _rounded(coordinates: object) -> object:
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], float):
        return [round(value, COORDINATE_DECIMALS) for value in coordinates]
    assert isinstance(coordinates, list)
    return [_rounded(part) for part in coordinates]
