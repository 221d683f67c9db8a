"""Coordinate systems used in China and conversions between them.

Every function takes and returns (lon, lat): GeoJSON order, longitude first.

- WGS-84: what phone GPS reports, and what Tantou stores.
- GCJ-02: the obfuscated "Mars" datum required for maps in mainland China (AMap, Tencent, WeChat).
- BD-09: Baidu's further offset on top of GCJ-02.

The GCJ-02 offset applies only inside a rough rectangle around mainland China (the published
"out of China" check used by every open implementation); points outside it are returned unshifted,
which is what the Chinese map providers do too. The rectangle also covers Taiwan, Hong Kong, Macau
and parts of neighbouring countries: the same approximation the providers' SDKs make. The BD-09
step on top of GCJ-02 has no such check, as in the published formula.
"""

import math
from enum import StrEnum

from app.core.messages import Message, MessageError

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_KRASOVSKY_SEMI_MAJOR_AXIS_M = 6378245.0
_KRASOVSKY_ECCENTRICITY_SQUARED = 0.00669342162296594323
_BD09_X_PI = math.pi * 3000.0 / 180.0
_BD09_LON_OFFSET_DEG = 0.0065
_BD09_LAT_OFFSET_DEG = 0.006

_CHINA_MIN_LON_DEG = 72.004
_CHINA_MAX_LON_DEG = 137.8347
_CHINA_MIN_LAT_DEG = 0.8293
_CHINA_MAX_LAT_DEG = 55.8271

_INVERSE_TOLERANCE_DEG = 1e-9
# Fixed-point iteration converges to ~1e-9 degrees in 2-4 steps; the cap only guards the loop.
_INVERSE_MAX_ITERATIONS = 30

# IUGG mean Earth radius.
EARTH_MEAN_RADIUS_M = 6_371_008.8


class CoordinateSystem(StrEnum):
    """A coordinate system a client may send a point in."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def is_outside_china(lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies outside the rectangle where GCJ-02 shifts points."""
    return not (
        _CHINA_MIN_LON_DEG <= lon <= _CHINA_MAX_LON_DEG
        and _CHINA_MIN_LAT_DEG <= lat <= _CHINA_MAX_LAT_DEG
    )


def _gcj02_lat_shift(x: float, y: float) -> float:
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (
        (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    return shift


def _gcj02_lon_shift(x: float, y: float) -> float:
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    return shift


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert WGS-84 (lon, lat) to GCJ-02; points outside China are returned unchanged."""
    if is_outside_china(lon, lat):
        return lon, lat
    lat_shift = _gcj02_lat_shift(lon - 105.0, lat - 35.0)
    lon_shift = _gcj02_lon_shift(lon - 105.0, lat - 35.0)
    lat_rad = math.radians(lat)
    magic = 1.0 - _KRASOVSKY_ECCENTRICITY_SQUARED * math.sin(lat_rad) ** 2
    sqrt_magic = math.sqrt(magic)
    lat_shift_deg = (lat_shift * 180.0) / (
        (_KRASOVSKY_SEMI_MAJOR_AXIS_M * (1.0 - _KRASOVSKY_ECCENTRICITY_SQUARED))
        / (magic * sqrt_magic)
        * math.pi
    )
    lon_shift_deg = (lon_shift * 180.0) / (
        _KRASOVSKY_SEMI_MAJOR_AXIS_M / sqrt_magic * math.cos(lat_rad) * math.pi
    )
    return lon + lon_shift_deg, lat + lat_shift_deg


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Convert GCJ-02 (lon, lat) to WGS-84 by fixed-point iteration (round trip well under 1 m).

    Points outside China are returned unchanged, mirroring `wgs84_to_gcj02`.
    """
    if is_outside_china(lon, lat):
        return lon, lat
    wgs_lon, wgs_lat = lon, lat
    for _ in range(_INVERSE_MAX_ITERATIONS):
        shifted_lon, shifted_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        error_lon, error_lat = shifted_lon - lon, shifted_lat - lat
        wgs_lon, wgs_lat = wgs_lon - error_lon, wgs_lat - error_lat
        if abs(error_lon) < _INVERSE_TOLERANCE_DEG and abs(error_lat) < _INVERSE_TOLERANCE_DEG:
            break
    return wgs_lon, wgs_lat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """Convert GCJ-02 (lon, lat) to Baidu's BD-09."""
    radius = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD09_X_PI)
    angle = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD09_X_PI)
    return (
        radius * math.cos(angle) + _BD09_LON_OFFSET_DEG,
        radius * math.sin(angle) + _BD09_LAT_OFFSET_DEG,
    )


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert Baidu's BD-09 (lon, lat) to GCJ-02 (the published approximate inverse, < 1 m)."""
    x = lon - _BD09_LON_OFFSET_DEG
    y = lat - _BD09_LAT_OFFSET_DEG
    radius = math.hypot(x, y) - 0.00002 * math.sin(y * _BD09_X_PI)
    angle = math.atan2(y, x) - 0.000003 * math.cos(x * _BD09_X_PI)
    return radius * math.cos(angle), radius * math.sin(angle)


def to_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """Convert (lon, lat) given in `crs` to WGS-84."""
    match crs:
        case CoordinateSystem.WGS84:
            return lon, lat
        case CoordinateSystem.GCJ02:
            return gcj02_to_wgs84(lon, lat)
        case CoordinateSystem.BD09:
            return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise ValueError(f"unknown coordinate system {crs!r}")


def from_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """Convert WGS-84 (lon, lat) to `crs`."""
    match crs:
        case CoordinateSystem.WGS84:
            return lon, lat
        case CoordinateSystem.GCJ02:
            return wgs84_to_gcj02(lon, lat)
        case CoordinateSystem.BD09:
            return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    raise ValueError(f"unknown coordinate system {crs!r}")


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres between two (lon, lat) points."""
    lat1_rad, lat2_rad = math.radians(lat1), math.radians(lat2)
    half_dlat = math.radians(lat2 - lat1) / 2.0
    half_dlon = math.radians(lon2 - lon1) / 2.0
    haversine = (
        math.sin(half_dlat) ** 2
        + math.cos(lat1_rad) * math.cos(lat2_rad) * math.sin(half_dlon) ** 2
    )
    return 2.0 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(haversine)))


def check_wgs84_range(lon: float, lat: float) -> None:
    """Raise MessageError unless lon is in [-180, 180] and lat in [-90, 90] (NaN is refused
    too)."""
    if not -180.0 <= lon <= 180.0:
        raise MessageError(Message("grids.lon-out-of-range", lon=lon))
    if not -90.0 <= lat <= 90.0:
        raise MessageError(Message("grids.lat-out-of-range", lat=lat))
