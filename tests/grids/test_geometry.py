import json

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from app.grids.geometry import GeometryError, interior_point, parse_grid_geometry, to_geojson

SQUARE = [[117.50, 32.80], [117.51, 32.80], [117.51, 32.81], [117.50, 32.81], [117.50, 32.80]]
HOLE = [[117.502, 32.802], [117.504, 32.802], [117.504, 32.804], [117.502, 32.802]]
FAR_SQUARE = [[117.60, 32.90], [117.61, 32.90], [117.61, 32.91], [117.60, 32.90]]
# A U shape: its centroid falls in the notch, outside the polygon.
U_SHAPE = [
    [117.50, 32.80],
    [117.53, 32.80],
    [117.53, 32.83],
    [117.52, 32.83],
    [117.52, 32.81],
    [117.51, 32.81],
    [117.51, 32.83],
    [117.50, 32.83],
    [117.50, 32.80],
]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def test_polygon_is_accepted():
    geometry = parse_grid_geometry(polygon(SQUARE))

    assert isinstance(geometry, Polygon)
    assert geometry.bounds == (117.50, 32.80, 117.51, 32.81)


def test_polygon_with_a_hole_keeps_the_hole():
    geometry = parse_grid_geometry(polygon(SQUARE, HOLE))

    assert len(geometry.interiors) == 1
    assert not geometry.covers(Point(117.5035, 32.8025))


def test_multipolygon_is_accepted():
    geometry = parse_grid_geometry(
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [FAR_SQUARE]]}
    )

    assert isinstance(geometry, MultiPolygon)
    assert len(geometry.geoms) == 2


def test_altitude_in_positions_is_dropped():
    with_altitude = [[lon, lat, 20.0] for lon, lat in SQUARE]

    geometry = parse_grid_geometry(polygon(with_altitude))

    assert not geometry.has_z
    assert geometry.equals(parse_grid_geometry(polygon(SQUARE)))


@pytest.mark.parametrize(
    ("geojson_geometry", "message"),
    [
        (None, "must be a GeoJSON object"),
        ({"type": "Point", "coordinates": [117.5, 32.8]}, "must be a Polygon or MultiPolygon"),
        ({"type": "LineString", "coordinates": SQUARE}, "got 'LineString'"),
        ({"coordinates": [SQUARE]}, "got None"),
        ({"type": "Polygon"}, "Polygon coordinates must be an array"),
        (polygon(), "Polygon is empty"),
        ({"type": "MultiPolygon", "coordinates": []}, "MultiPolygon is empty"),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "polygon 1 is empty"),
        (polygon([]), "ring 1 has 0 positions"),
        (polygon(SQUARE[:3]), "ring 1 has 3 positions; a ring needs at least 4"),
        (polygon(SQUARE[:4]), "ring 1 is not closed"),
        (polygon(SQUARE, HOLE[:3]), "ring 2 has 3 positions"),
        (polygon([[32.8, 117.5], *SQUARE[1:4], [32.8, 117.5]]), "latitude 117.5 is outside"),
        (polygon([[190.0, 32.8], *SQUARE[1:4], [190.0, 32.8]]), "longitude 190.0 is outside"),
        (polygon([["117.5", 32.8], *SQUARE[1:]]), "position 1 must hold numbers"),
        (polygon([[True, 32.8], *SQUARE[1:]]), "position 1 must hold numbers"),
        (polygon([[float("nan"), 32.8], *SQUARE[1:]]), "position 1 must hold numbers"),
        (polygon([[117.5], *SQUARE[1:]]), r"position 1 must be \[lon, lat\]"),
        (
            polygon(
                [
                    [117.50, 32.80],
                    [117.51, 32.81],
                    [117.51, 32.80],
                    [117.50, 32.81],
                    [117.50, 32.80],
                ]
            ),
            "not valid: Self-intersection",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]},
            "MultiPolygon is not valid",
        ),
        (polygon(SQUARE, FAR_SQUARE), "not valid: Hole lies outside shell"),
    ],
)
def test_unacceptable_geometry_is_refused_with_a_reason(geojson_geometry, message):
    with pytest.raises(GeometryError, match=message):
        parse_grid_geometry(geojson_geometry)


def test_geometry_error_is_a_value_error():
    assert issubclass(GeometryError, ValueError)


def test_interior_point_lies_inside_a_polygon_whose_centroid_does_not():
    geometry = parse_grid_geometry(polygon(U_SHAPE))

    lon, lat = interior_point(geometry)

    assert not geometry.covers(geometry.centroid)
    assert geometry.contains(Point(lon, lat))


def test_interior_point_of_a_multipolygon_lies_inside_it():
    geometry = parse_grid_geometry(
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [FAR_SQUARE]]}
    )

    assert geometry.contains(Point(interior_point(geometry)))


def test_to_geojson_writes_lists_and_parses_back_to_the_same_geometry():
    geometry = parse_grid_geometry(polygon(SQUARE, HOLE))

    geojson = to_geojson(geometry)

    assert geojson == json.loads(json.dumps(geojson))
    assert geojson["type"] == "Polygon"
    assert geojson["coordinates"][0] == SQUARE
    assert parse_grid_geometry(geojson).equals(geometry)


def test_to_geojson_writes_multipolygons():
    geometry = parse_grid_geometry(
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [FAR_SQUARE]]}
    )

    assert to_geojson(geometry) == {"type": "MultiPolygon", "coordinates": [[SQUARE], [FAR_SQUARE]]}
