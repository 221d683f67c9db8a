"""GeoJSON (RFC 7946): a FeatureCollection of points, written feature by feature."""

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.exports.table import batched

FEATURES_PER_CHUNK = 500


def point_feature(lon: float, lat: float, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A point feature; RFC 7946 coordinates are WGS-84 longitude first."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": dict(properties),
    }


def feature_collection_chunks(features: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The FeatureCollection document in pieces."""
    yield b'{"type":"FeatureCollection","features":['
    separator = ""
    for batch in batched(features, FEATURES_PER_CHUNK):
        text = ",".join(json.dumps(f, ensure_ascii=False, default=str) for f in batch)
        yield (separator + text).encode()
        separator = ","
    yield b"]}"
