"""Grid look-ups per second: GridIndex against a naive loop over every polygon, on one core.

Run from the repository root: .venv/bin/python bench/locate.py

Tilings of 1,000, 10,000 and 100,000 square and hexagonal grids (plain, and with 48-corner
rings like real borders) cover Fengyang County's extent. Look-up points are uniform over the same
extent, so a few percent of hexagon look-ups fall in the ragged margin and find no grid, as a
real point outside every grid would.

The machine is shared and noisy: index timings are the best of several rounds, the closest
estimate of the code's own cost. Expect about 20 s in all.
"""

import functools
import math
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

# So the script runs from a fresh clone, without the package installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.grids.index import GridIndex

WEST_LON, EAST_LON = 117.32, 117.95
SOUTH_LAT, NORTH_LAT = 32.62, 33.05
GRID_COUNTS = (1_000, 10_000, 100_000)
SEED = 20261129

BUILD_REPEATS = 3
INDEX_LOOKUPS_PER_ROUND = 20_000
INDEX_ROUNDS = 5
BATCH_LOOKUPS = 100_000
BATCH_ROUNDS = 3
# The naive loop manages ~100 look-ups/s at 100k grids: time it for a budget, not a count.
NAIVE_BUDGET_S = 1.0
NAIVE_MIN_LOOKUPS = 5

Tiling = tuple[list[str], np.ndarray]


def columns_and_rows(grid_count: int) -> tuple[int, int]:
    """An exact factorisation of grid_count whose cells are roughly square on the ground."""
    width_m = (EAST_LON - WEST_LON) * 111_195 * math.cos(math.radians(SOUTH_LAT + NORTH_LAT) / 2)
    height_m = (NORTH_LAT - SOUTH_LAT) * 111_195
    ideal_columns = math.sqrt(grid_count * width_m / height_m)
    divisors = (d for d in range(1, grid_count + 1) if grid_count % d == 0)
    columns = min(divisors, key=lambda d: abs(d - ideal_columns))
    return columns, grid_count // columns


def square_tiling(grid_count: int) -> Tiling:
    """Rectangles sharing edges and vertices, row by row from the south-west corner."""
    columns, rows = columns_and_rows(grid_count)
    lon_lines = np.linspace(WEST_LON, EAST_LON, columns + 1)
    lat_lines = np.linspace(SOUTH_LAT, NORTH_LAT, rows + 1)
    west, south = np.meshgrid(lon_lines[:-1], lat_lines[:-1])
    east, north = np.meshgrid(lon_lines[1:], lat_lines[1:])
    polygons = shapely.box(west.ravel(), south.ravel(), east.ravel(), north.ravel())
    return [f"S{i:06d}" for i in range(grid_count)], polygons


def hexagon_tiling(grid_count: int) -> Tiling:
    """Flat-topped hexagons in offset columns, stretched to fill the extent."""
    columns, rows = columns_and_rows(grid_count)
    # A unit hexagon spans 2 across and sqrt(3) up; columns step 1.5, odd ones sit half a row up.
    lon_scale = (EAST_LON - WEST_LON) / (1.5 * (columns - 1) + 2.0)
    lat_scale = (NORTH_LAT - SOUTH_LAT) / (math.sqrt(3) * (rows + 0.5))
    column, row = np.meshgrid(np.arange(columns), np.arange(rows), indexing="ij")
    centre_lon = WEST_LON + lon_scale * (1.0 + 1.5 * column.ravel())
    centre_lat = SOUTH_LAT + lat_scale * math.sqrt(3) * (
        row.ravel() + 0.5 + 0.5 * (column.ravel() % 2)
    )
    angles = np.radians(np.arange(7) * 60.0)  # the seventh corner closes the ring
    ring_lons = centre_lon[:, None] + lon_scale * np.cos(angles)
    ring_lats = centre_lat[:, None] + lat_scale * np.sin(angles)
    polygons = shapely.polygons(np.stack([ring_lons, ring_lats], axis=-1))
    return [f"H{i:06d}" for i in range(grid_count)], polygons


def detailed_hexagon_tiling(grid_count: int) -> Tiling:
    """The hexagons with every side cut into 8 segments: 48-corner rings, closer to real borders."""
    codes, polygons = hexagon_tiling(grid_count)
    side_deg = shapely.length(polygons[0].exterior) / 6
    # The hexagons are stretched, so sides differ in length; a hair over 1/8 of the longest
    # keeps every side at 8 segments or fewer.
    return codes, shapely.segmentize(polygons, side_deg / 7.5)


def random_points(count: int, rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """Uniform points over the extent as plain floats, as a request handler would hold them."""
    return (
        rng.uniform(WEST_LON, EAST_LON, count).tolist(),
        rng.uniform(SOUTH_LAT, NORTH_LAT, count).tolist(),
    )


def naive_locate(codes: list[str], polygons: list[Polygon], lon: float, lat: float) -> str | None:
    """The baseline: test every polygon in turn."""
    point = Point(lon, lat)
    for code, polygon in zip(codes, polygons, strict=True):
        if polygon.covers(point):
            return code
    return None


def timed_lookups(
    locate: Callable[[float, float], str | None],
    points: Iterator[tuple[float, float]],
    budget_s: float,
    min_lookups: int,
) -> tuple[float, list[tuple[float, float, str | None]]]:
    """Run locate over points until the budget is spent; the rate and what each point found."""
    found: list[tuple[float, float, str | None]] = []
    started = time.perf_counter()
    elapsed_s = 0.0
    for lon, lat in points:
        found.append((lon, lat, locate(lon, lat)))
        elapsed_s = time.perf_counter() - started
        if elapsed_s >= budget_s and len(found) >= min_lookups:
            break
    return len(found) / elapsed_s, found


def index_lookups_per_s(index: GridIndex, lons: list[float], lats: list[float]) -> float:
    """Best rate over several rounds of single-point look-ups (Point creation included)."""
    locate = index.locate
    best_s = math.inf
    for _ in range(INDEX_ROUNDS):
        started = time.perf_counter()
        for lon, lat in zip(lons, lats, strict=True):
            locate(lon, lat)
        best_s = min(best_s, time.perf_counter() - started)
    return len(lons) / best_s


def batch_lookups_per_s(index: GridIndex, lons: list[float], lats: list[float]) -> float:
    """Best rate over several rounds of one `locate_many` call for all the points."""
    best_s = math.inf
    for _ in range(BATCH_ROUNDS):
        started = time.perf_counter()
        index.locate_many(lons, lats)
        best_s = min(best_s, time.perf_counter() - started)
    return len(lons) / best_s


def build_ms(codes: list[str], polygons: np.ndarray) -> tuple[float, GridIndex]:
    """Best-of-several build time and the index built."""
    timings_ms = []
    for _ in range(BUILD_REPEATS):
        started = time.perf_counter()
        index = GridIndex(zip(codes, polygons, strict=True))
        timings_ms.append((time.perf_counter() - started) * 1000)
    return min(timings_ms), index


def table_row(
    tiling_name: str,
    codes: list[str],
    polygons: np.ndarray,
    points: tuple[list[float], list[float]],
    batch_points: tuple[list[float], list[float]],
) -> str:
    """Measure one tiling and format its row of the table."""
    lons, lats = points
    index_build_ms, index = build_ms(codes, polygons)
    index_rate = index_lookups_per_s(index, lons, lats)

    batch_rate = batch_lookups_per_s(index, *batch_points)

    naive_rate, naive_found = timed_lookups(
        functools.partial(naive_locate, codes, list(polygons)),
        zip(lons, lats, strict=True),
        NAIVE_BUDGET_S,
        NAIVE_MIN_LOOKUPS,
    )
    # Random points never land exactly on a shared edge, so both must agree everywhere.
    disagreements = sum(index.locate(lon, lat) != code for lon, lat, code in naive_found)
    if disagreements:
        raise SystemExit(f"index and naive loop disagree on {disagreements} points")

    return (
        f"| {tiling_name} | {len(codes):,} | {index_build_ms:,.1f} | {index_rate:,.0f} "
        f"| {batch_rate:,.0f} | {naive_rate:,.0f} ({len(naive_found):,}) "
        f"| {index_rate / naive_rate:,.0f}x |"
    )


def main() -> None:
    """Print the benchmark table."""
    rng = np.random.default_rng(SEED)
    points = random_points(INDEX_LOOKUPS_PER_ROUND, rng)
    batch_points = random_points(BATCH_LOOKUPS, rng)
    print(
        "| tiling | grids | index build ms | index lookups/s | batch lookups/s "
        "| naive lookups/s (n) | speedup |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    started = time.perf_counter()
    tilings = (
        ("square", square_tiling),
        ("hexagon", hexagon_tiling),
        ("hexagon, 48 corners", detailed_hexagon_tiling),
    )
    for tiling_name, make_tiling in tilings:
        for grid_count in GRID_COUNTS:
            codes, polygons = make_tiling(grid_count)
            print(table_row(tiling_name, codes, polygons, points, batch_points), flush=True)
    print(f"\ntotal {time.perf_counter() - started:.1f} s, one core, shapely {shapely.__version__}")


if __name__ == "__main__":
    main()
