import math

import pytest

from app.grids.crs import (
    CoordinateSystem,
    bd09_to_gcj02,
    check_wgs84_range,
    distance_m,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    is_outside_china,
    to_wgs84,
    wgs84_to_gcj02,
)

FENGYANG_WGS84 = (117.5628, 32.8658)

# Published vectors of the reference open implementation (wandergis/coordtransform), all taking
# the Tiananmen point (116.404, 39.915) as input.
PUBLISHED_VECTORS = [
    (wgs84_to_gcj02, (116.41024449916938, 39.91640428150164)),
    (gcj02_to_bd09, (116.41036949371029, 39.92133699351021)),
    (bd09_to_gcj02, (116.39762729119315, 39.90865673957631)),
]

# Every 3 degrees over the rectangle where GCJ-02 applies, plus mainland corners.
POINTS_ACROSS_CHINA = [
    (float(lon), float(lat)) for lon in range(74, 136, 3) for lat in range(19, 54, 3)
] + [(73.5, 39.4), (134.7, 48.3), (109.5, 18.2), (121.5, 25.0), FENGYANG_WGS84]

OUTSIDE_CHINA = [
    (24.9384, 60.1699),  # Helsinki
    (9.19, 45.4642),  # Milan
    (139.6917, 35.6895),  # Tokyo, east of the rectangle
    (151.2093, -33.8688),  # Sydney
    (-74.006, 40.7128),  # New York
]


@pytest.mark.parametrize(("convert", "expected"), PUBLISHED_VECTORS)
def test_conversion_matches_published_vector(convert, expected):
    lon, lat = convert(116.404, 39.915)

    assert lon == pytest.approx(expected[0], abs=1e-9)
    assert lat == pytest.approx(expected[1], abs=1e-9)


def test_gcj02_shifts_a_point_in_china_by_hundreds_of_metres():
    shifted = wgs84_to_gcj02(*FENGYANG_WGS84)

    assert 100 < distance_m(*FENGYANG_WGS84, *shifted) < 1_000


def test_gcj02_round_trip_stays_within_a_metre_across_china():
    errors_m = {
        point: distance_m(*point, *gcj02_to_wgs84(*wgs84_to_gcj02(*point)))
        for point in POINTS_ACROSS_CHINA
    }

    worst = max(errors_m, key=errors_m.__getitem__)
    assert errors_m[worst] < 1.0, f"round trip at {worst} is off by {errors_m[worst]} m"


def test_bd09_round_trip_stays_within_a_metre_across_china():
    errors_m = {
        point: distance_m(
            *point,
            *to_wgs84(*from_wgs84(*point, CoordinateSystem.BD09), CoordinateSystem.BD09),
        )
        for point in POINTS_ACROSS_CHINA
    }

    worst = max(errors_m, key=errors_m.__getitem__)
    assert errors_m[worst] < 1.0, f"round trip at {worst} is off by {errors_m[worst]} m"


def test_bd09_shifts_points_across_china_by_more_than_gcj02_alone():
    for point in POINTS_ACROSS_CHINA:
        gcj02 = wgs84_to_gcj02(*point)
        bd09 = from_wgs84(*point, CoordinateSystem.BD09)

        assert distance_m(*gcj02, *bd09) > 100, point


def test_gcj02_inverse_reproduces_the_shifted_point_across_china():
    for point in POINTS_ACROSS_CHINA:
        gcj02 = wgs84_to_gcj02(*point)

        assert wgs84_to_gcj02(*gcj02_to_wgs84(*gcj02)) == pytest.approx(gcj02, abs=1e-8), point


@pytest.mark.parametrize("point", OUTSIDE_CHINA)
@pytest.mark.parametrize("convert", [wgs84_to_gcj02, gcj02_to_wgs84])
def test_point_outside_china_is_not_shifted(convert, point):
    assert is_outside_china(*point)
    assert convert(*point) == point


@pytest.mark.parametrize("crs", list(CoordinateSystem))
def test_wgs84_conversions_are_inverse_for_every_crs(crs):
    converted = from_wgs84(*FENGYANG_WGS84, crs)

    assert distance_m(*FENGYANG_WGS84, *to_wgs84(*converted, crs)) < 1.0


def test_wgs84_is_passed_through_unchanged():
    assert to_wgs84(*FENGYANG_WGS84, CoordinateSystem.WGS84) == FENGYANG_WGS84
    assert from_wgs84(*FENGYANG_WGS84, CoordinateSystem.WGS84) == FENGYANG_WGS84


@pytest.mark.parametrize(
    ("name", "crs"), [("wgs84", "WGS84"), ("gcj02", "GCJ02"), ("bd09", "BD09")]
)
def test_coordinate_system_parses_from_its_api_name(name, crs):
    assert CoordinateSystem(name) is CoordinateSystem[crs]


@pytest.mark.parametrize(
    ("lon1", "lat1", "lon2", "lat2", "expected_m"),
    [
        (117.5, 32.8, 117.5, 32.8, 0.0),
        (0.0, 0.0, 0.0, 1.0, 111_195.08),  # one degree of latitude on the mean sphere
        (0.0, 0.0, 1.0, 0.0, 111_195.08),  # one degree of longitude on the equator
        (117.0, 60.0, 118.0, 60.0, 55_597.54),  # halved at 60 degrees north (nearly: great circle)
        (0.0, 0.0, 180.0, 0.0, math.pi * 6_371_008.8),  # antipodes
    ],
)
def test_distance_m_matches_known_distances(lon1, lat1, lon2, lat2, expected_m):
    assert distance_m(lon1, lat1, lon2, lat2) == pytest.approx(expected_m, rel=1e-5, abs=1e-6)
    assert distance_m(lon2, lat2, lon1, lat1) == pytest.approx(expected_m, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize(("lon", "lat"), [(-180.0, -90.0), (180.0, 90.0), (0.0, 0.0)])
def test_check_wgs84_range_accepts_the_edges(lon, lat):
    check_wgs84_range(lon, lat)


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (180.0001, 32.8, "longitude 180.0001 is outside [-180, 180]"),
        (-181.0, 32.8, "longitude -181.0 is outside [-180, 180]"),
        (117.5, 90.5, "latitude 90.5 is outside [-90, 90]"),
        (32.8, -117.5, "latitude -117.5 is outside [-90, 90]"),
        (math.nan, 32.8, "longitude nan"),
        (117.5, math.inf, "latitude inf"),
    ],
)
def test_check_wgs84_range_refuses_out_of_range_points(lon, lat, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_wgs84_range(lon, lat)


@pytest.mark.parametrize("convert", [to_wgs84, from_wgs84])
def test_unknown_coordinate_system_is_refused(convert):
    with pytest.raises(ValueError, match="unknown coordinate system 'osgb36'"):
        convert(*FENGYANG_WGS84, "osgb36")
