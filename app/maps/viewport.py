"""The map's viewport: a WGS-84 bounding box, and the cluster cell of a zoom level (pure)."""

import math
from dataclasses import dataclass

from app.core.messages import Message, MessageError

MIN_ZOOM, MAX_ZOOM = 0, 22
# A cluster cell is a quarter of a 256 px web-mercator tile's width: about 64 px on screen.
CELLS_PER_TILE = 4


@dataclass(frozen=True)
class BoundingBox:
    """A box of WGS-84 degrees, west to east and south to north."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def parse_bbox(text: str) -> BoundingBox:
    """'minLon,minLat,maxLon,maxLat' (WGS-84 degrees); MessageError when malformed or inverted."""
    parts = text.split(",")
    if len(parts) != 4:
        raise MessageError(Message("maps.bbox-form"))
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        raise MessageError(Message("maps.bbox-numbers")) from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise MessageError(Message("maps.bbox-finite"))
    if not (-180.0 <= min_lon <= max_lon <= 180.0 and -90.0 <= min_lat <= max_lat <= 90.0):
        raise MessageError(Message("maps.bbox-order"))
    return BoundingBox(min_lon, min_lat, max_lon, max_lat)


def cell_size_deg(zoom: int) -> float:
    """The side of a cluster cell at a zoom level, in degrees."""
    return 360.0 / float(2**zoom) / CELLS_PER_TILE
