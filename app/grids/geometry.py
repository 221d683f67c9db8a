"""Validation of grid boundaries arriving as GeoJSON geometries (RFC 7946, WGS-84 lon/lat)."""

import math
from typing import Any, TypeAlias

from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.validation import explain_validity

from app.grids.crs import check_wgs84_range

GridGeometry: TypeAlias = Polygon | MultiPolygon

_GRID_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
# A closed ring needs three distinct corners plus the repeated first position.
_MIN_RING_POSITIONS = 4


class GeometryError(ValueError):
    """A grid geometry that cannot be accepted; the message says what is wrong."""


def parse_grid_geometry(geojson_geometry: dict[str, Any]) -> GridGeometry:
    """Turn a GeoJSON Polygon or MultiPolygon into a valid, non-empty shapely geometry."""
    if not isinstance(geojson_geometry, dict):
        raise GeometryError(f"grid geometry must be a GeoJSON object, got {geojson_geometry!r}")
    geometry_type = geojson_geometry.get("type")
    if geometry_type not in _GRID_GEOMETRY_TYPES:
        raise GeometryError(
            f"grid geometry must be a Polygon or MultiPolygon, got {geometry_type!r}"
        )
    coordinates = _as_list(geojson_geometry.get("coordinates"), f"{geometry_type} coordinates")
    if not coordinates:
        raise GeometryError(f"{geometry_type} is empty: it has no coordinates")
    geometry: GridGeometry
    if geometry_type == "Polygon":
        geometry = _parse_polygon(coordinates, "polygon")
    else:
        geometry = MultiPolygon(
            [
                _parse_polygon(polygon, f"polygon {number}")
                for number, polygon in enumerate(coordinates, start=1)
            ]
        )
    if geometry.is_empty:
        raise GeometryError(f"{geometry_type} is empty")
    if not geometry.is_valid:
        raise GeometryError(f"{geometry_type} is not valid: {explain_validity(geometry)}")
    return geometry


def interior_point(geometry: GridGeometry) -> tuple[float, float]:
    """A (lon, lat) guaranteed to lie inside the geometry (not the centroid, which may not)."""
    point = geometry.point_on_surface()
    return point.x, point.y


def to_geojson(geometry: GridGeometry) -> dict[str, Any]:
    """The geometry as an RFC 7946 GeoJSON object with lists rather than tuples."""
    geojson: dict[str, Any] = _tuples_to_lists(mapping(geometry))
    return geojson


def _parse_polygon(rings: object, where: str) -> Polygon:
    ring_lists = _as_list(rings, where)
    if not ring_lists:
        raise GeometryError(f"{where} is empty: it has no rings")
    shell, *holes = (
        _parse_ring(ring, f"{where}, ring {number}")
        for number, ring in enumerate(ring_lists, start=1)
    )
    return Polygon(shell, holes)


def _parse_ring(positions: object, where: str) -> list[tuple[float, float]]:
    position_lists = _as_list(positions, where)
    ring = [
        _parse_position(position, f"{where}, position {number}")
        for number, position in enumerate(position_lists, start=1)
    ]
    if len(ring) < _MIN_RING_POSITIONS:
        raise GeometryError(
            f"{where} has {len(ring)} positions; a ring needs at least {_MIN_RING_POSITIONS}"
        )
    # shapely would silently close an open ring; GeoJSON requires it closed, and an open one
    # usually means a truncated file.
    if ring[0] != ring[-1]:
        raise GeometryError(f"{where} is not closed: its first and last positions differ")
    return ring


def _parse_position(position: object, where: str) -> tuple[float, float]:
    # RFC 7946 allows an altitude after lon and lat; grids are flat, so it is dropped.
    if not isinstance(position, list | tuple) or len(position) not in (2, 3):
        raise GeometryError(f"{where} must be [lon, lat], got {position!r}")
    if not all(_is_number(value) for value in position):
        raise GeometryError(f"{where} must hold numbers, got {position!r}")
    lon, lat = float(position[0]), float(position[1])
    try:
        check_wgs84_range(lon, lat)
    except ValueError as error:
        raise GeometryError(f"{where}: {error} (GeoJSON positions are [lon, lat])") from error
    return lon, lat


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _as_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise GeometryError(f"{where} must be an array, got {type(value).__name__}")
    return list(value)


def _tuples_to_lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_tuples_to_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: _tuples_to_lists(item) for key, item in value.items()}
    return value
