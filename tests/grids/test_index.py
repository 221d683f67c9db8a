import itertools
import math

import pytest
import shapely
from shapely.geometry import Polygon

from app.grids.crs import distance_m
from app.grids.geometry import interior_point
from app.grids.index import GridIndex

ORIGIN_LON, ORIGIN_LAT = 117.50, 32.80
CELL_DEG = 0.01
METRES_PER_DEGREE_LAT = 111_195.08


def grid_line_lon(column):
    return ORIGIN_LON + column * CELL_DEG


def grid_line_lat(row):
    return ORIGIN_LAT + row * CELL_DEG


def square_tiling(columns, rows):
    """Square grids with codes G<row><column> that share exact edges and vertices."""
    return [
        (
            f"G{row:02d}{column:02d}",
            shapely.box(
                grid_line_lon(column),
                grid_line_lat(row),
                grid_line_lon(column + 1),
                grid_line_lat(row + 1),
            ),
        )
        for row in range(rows)
        for column in range(columns)
    ]


def hexagon_tiling(columns, rows):
    """Flat-topped hexagons in offset columns, the usual shape of a honeycomb of grids."""
    radius = CELL_DEG / 2
    tiling = []
    for column in range(columns):
        for row in range(rows):
            centre_lon = ORIGIN_LON + column * 1.5 * radius
            centre_lat = ORIGIN_LAT + (row + 0.5 * (column % 2)) * math.sqrt(3) * radius
            corners = [
                (
                    centre_lon + radius * math.cos(math.radians(60 * k)),
                    centre_lat + radius * math.sin(math.radians(60 * k)),
                )
                for k in range(6)
            ]
            tiling.append((f"H{column:02d}{row:02d}", Polygon(corners)))
    return tiling


def lon_offset_deg(metres, lat=ORIGIN_LAT):
    return metres / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))


@pytest.mark.parametrize("tiling", [square_tiling(12, 9), hexagon_tiling(12, 9)])
def test_every_grids_interior_point_locates_to_that_grid(tiling):
    index = GridIndex(tiling)

    located = {code: index.locate(*interior_point(geometry)) for code, geometry in tiling}

    assert located == {code: code for code, _ in tiling}


@pytest.mark.parametrize("tiling", [square_tiling(12, 9), hexagon_tiling(12, 9)])
def test_locate_many_agrees_with_locate(tiling):
    index = GridIndex(tiling)
    lons = [ORIGIN_LON + i * 0.0013 for i in range(100)]
    lats = [ORIGIN_LAT + i * 0.0009 for i in range(100)]

    assert index.locate_many(lons, lats) == [
        index.locate(x, y) for x, y in zip(lons, lats, strict=True)
    ]


def test_locate_many_resolves_shared_boundaries_like_locate():
    index = GridIndex(square_tiling(2, 2))
    lons = [grid_line_lon(1), grid_line_lon(1), grid_line_lon(0.5), grid_line_lon(-3)]
    lats = [grid_line_lat(0.5), grid_line_lat(1), grid_line_lat(1), grid_line_lat(0)]

    assert index.locate_many(lons, lats) == ["G0000", "G0000", "G0000", None]


def test_locate_many_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        GridIndex(square_tiling(2, 2)).locate_many([117.5, 117.6], [32.8])


# 2x2 squares: G0000 bottom left, G0001 bottom right, G0100 top left, G0101 top right.
# Positions are in cells from the origin, so 1 is the line between the two columns or rows.
@pytest.mark.parametrize(
    ("column", "row", "expected"),
    [
        (1, 0.5, "G0000"),  # edge between G0000 and G0001
        (0.5, 1, "G0000"),  # edge between G0000 and G0100
        (1.5, 1, "G0001"),  # edge between G0001 and G0101
        (1, 1.5, "G0100"),  # edge between G0100 and G0101
        (1, 1, "G0000"),  # vertex shared by all four
        (2, 1, "G0001"),  # outer vertex shared by G0001 and G0101
        (2, 2, "G0101"),  # outer corner of one grid only
        (0, 0.5, "G0000"),  # outer edge of one grid only
    ],
)
def test_point_on_shared_boundary_resolves_to_one_grid_in_any_insertion_order(
    column, row, expected
):
    tiling = square_tiling(2, 2)
    lon, lat = grid_line_lon(column), grid_line_lat(row)

    located = {GridIndex(order).locate(lon, lat) for order in itertools.permutations(tiling)}

    assert located == {expected}


def test_shared_boundary_goes_to_the_smallest_code_not_the_first_inserted():
    left, right = square_tiling(2, 1)
    renamed = [("Z-left", left[1]), ("A-right", right[1])]

    assert GridIndex(renamed).locate(grid_line_lon(1), grid_line_lat(0.5)) == "A-right"


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(117.49, 32.805), (117.505, 32.7999), (117.53, 32.805), (0.0, 0.0), (-117.505, -32.805)],
)
def test_point_outside_every_grid_locates_to_none(lon, lat):
    assert GridIndex(square_tiling(2, 2)).locate(lon, lat) is None


def test_empty_index_locates_nothing():
    index = GridIndex([])

    assert len(index) == 0
    assert index.locate(117.5, 32.8) is None
    assert index.nearest(117.5, 32.8, 10_000) is None


def test_len_counts_the_grids():
    assert len(GridIndex(square_tiling(4, 3))) == 12


def test_duplicate_codes_are_refused():
    (code, geometry), *_ = square_tiling(1, 1)

    with pytest.raises(ValueError, match="unique"):
        GridIndex([(code, geometry), (code, geometry)])


def test_nearest_returns_the_covering_grid_at_distance_zero():
    assert GridIndex(square_tiling(2, 2)).nearest(117.505, 32.805, 0) == "G0000"


@pytest.mark.parametrize(
    ("metres_east", "max_distance_m", "expected"),
    [
        (50, 100, "G0001"),
        (99, 100, "G0001"),
        (101, 100, None),
        (2_000, 100, None),
        (2_000, 2_100, "G0001"),
    ],
)
def test_nearest_finds_a_grid_only_within_the_distance(metres_east, max_distance_m, expected):
    lon = 117.52 + lon_offset_deg(metres_east)

    assert GridIndex(square_tiling(2, 1)).nearest(lon, 32.805, max_distance_m) == expected


@pytest.mark.parametrize(("metres_north", "expected"), [(30, "G0000"), (-30, "G0100")])
def test_nearest_prefers_the_closer_of_two_grids(metres_north, expected):
    lower, upper = square_tiling(1, 1)[0][1], square_tiling(1, 3)[2][1]
    index = GridIndex([("G0000", lower), ("G0100", upper)])
    # The gap between the two grids spans 32.81 to 32.82.
    lat = 32.815 - metres_north / METRES_PER_DEGREE_LAT

    assert index.nearest(117.505, lat, 1_000) == expected


@pytest.mark.parametrize("codes", [("A-lower", "B-upper"), ("B-lower", "A-upper")])
def test_nearest_breaks_a_tie_with_the_smallest_code(codes):
    # Binary fractions keep both gaps exactly 0.03125 degrees, so the distances are equal.
    lower_code, upper_code = codes
    index = GridIndex(
        [
            (upper_code, shapely.box(117.5, 32.8125, 117.625, 33.0)),
            (lower_code, shapely.box(117.5, 32.5, 117.625, 32.75)),
        ]
    )

    assert index.nearest(117.5625, 32.78125, 5_000) == min(codes)


def test_nearest_measures_in_metres_not_degrees():
    # At 32.8 N a degree of longitude is 0.84 of a degree of latitude, so the grid 0.010 degrees
    # east is nearer on the ground than the one 0.009 degrees north.
    point = (117.50, 32.795)
    index = GridIndex(
        [
            ("east", shapely.box(117.51, 32.79, 117.52, 32.80)),
            ("north", shapely.box(117.49, 32.804, 117.51, 32.81)),
        ]
    )

    assert distance_m(*point, 117.51, 32.795) < distance_m(*point, 117.50, 32.804)
    assert index.nearest(*point, 2_000) == "east"


def test_nearest_refuses_a_negative_distance():
    with pytest.raises(ValueError, match="must not be negative"):
        GridIndex(square_tiling(1, 1)).nearest(117.5, 32.8, -1)
