"""An immutable spatial index answering "which grid contains this point?".

Points are WGS-84 (lon, lat) in degrees. Callers validate coordinates first (see
`app.grids.crs.check_wgs84_range`) and rebuild the index whenever grids change.
"""

import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely

from app.grids.crs import EARTH_MEAN_RADIUS_M
from app.grids.geometry import GridGeometry

# A point intersects a polygon when it lies inside it or on its boundary, so a point on a shared
# edge or vertex matches every polygon around it; the smallest code then wins (see GridIndex).
_CONTAINS_POINT_PREDICATE = "intersects"
_METRES_PER_DEGREE_LAT = EARTH_MEAN_RADIUS_M * math.pi / 180.0
# Below this cosine (within ~0.06 degrees of a pole) a longitude window spans the whole globe.
_MIN_COS_LAT = 1e-3


class GridIndex:
    """Point-in-polygon look-ups over a fixed set of coded polygons (an STRtree underneath).

    Where polygons overlap or touch, a point resolves to the smallest code among those covering
    it, whatever order the polygons were given in.
    """

    def __init__(self, coded_geometries: Iterable[tuple[str, GridGeometry]]) -> None:
        # Sorting by code makes tree position order equal code order, so the smallest tree
        # position among the hits is the smallest code: the fixed tie-break.
        entries = sorted(coded_geometries, key=lambda entry: entry[0])
        codes = [code for code, _ in entries]
        if len(set(codes)) != len(codes):
            raise ValueError("grid codes must be unique")
        self._codes = codes
        self._codes_or_none = np.array([*codes, None], dtype=object)
        self._geometries = np.array([geometry for _, geometry in entries], dtype=object)
        self._tree = shapely.STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self._codes)

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the polygon covering (lon, lat), boundary included, or None if there is none."""
        # A one-element array skips STRtree.query's scalar path, whose np.expand_dims costs ~3 µs.
        hits = self._tree.query(shapely.points([[lon, lat]]), predicate=_CONTAINS_POINT_PREDICATE)
        positions: list[int] = hits[1].tolist()
        return self._codes[min(positions)] if positions else None

    def locate_many(self, lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
        """`locate` for many points at once, in one vectorised tree query."""
        if len(lons) != len(lats):
            raise ValueError("lons and lats must have the same length")
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_positions, tree_positions = self._tree.query(
            points, predicate=_CONTAINS_POINT_PREDICATE
        )
        no_grid = len(self._codes)
        best = np.full(len(points), no_grid, dtype=np.intp)
        np.minimum.at(best, point_positions, tree_positions)
        located: list[str | None] = self._codes_or_none[best].tolist()
        return located

    def nearest(self, lon: float, lat: float, max_distance_m: float) -> str | None:
        """Code of the polygon nearest to (lon, lat) within max_distance_m, or None.

        A covering polygon is at distance 0; equal distances resolve to the smallest code.
        Distances use a local equirectangular projection around the point, within 0.1 % of the
        great-circle distance for the tens of kilometres this is meant for.
        """
        if max_distance_m < 0:
            raise ValueError(f"max_distance_m must not be negative, got {max_distance_m}")
        window_lat_deg = max_distance_m / _METRES_PER_DEGREE_LAT
        # Longitude degrees shrink towards the poles: size the window with the cosine at its
        # poleward edge so it never misses a polygon.
        edge_lat_deg = min(90.0, abs(lat) + window_lat_deg)
        edge_cos = max(math.cos(math.radians(edge_lat_deg)), _MIN_COS_LAT)
        window_lon_deg = min(180.0, window_lat_deg / edge_cos)
        window = shapely.box(
            lon - window_lon_deg, lat - window_lat_deg, lon + window_lon_deg, lat + window_lat_deg
        )
        candidates = np.sort(self._tree.query(window))
        if candidates.size == 0:
            return None
        distances_m = shapely.distance(
            _project_around(self._geometries[candidates], lon, lat), shapely.points(0.0, 0.0)
        )
        nearest_position = int(np.argmin(distances_m))
        if distances_m[nearest_position] > max_distance_m:
            return None
        return self._codes[int(candidates[nearest_position])]


def _project_around(geometries: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Geometries in metres on a local equirectangular plane with (lon, lat) at the origin."""
    origin = np.array([lon, lat])
    metres_per_degree = np.array(
        [_METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)), _METRES_PER_DEGREE_LAT]
    )
    projected: np.ndarray = shapely.transform(
        geometries, lambda coords: (coords - origin) * metres_per_degree
    )
    return projected
