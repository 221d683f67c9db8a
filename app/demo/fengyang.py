"""A deterministic demo of Fengyang County (凤阳县): towns, communities and grids as GeoJSON."""

from typing import Any

COUNTY_CODE = "341126"
COUNTY_NAME = "凤阳县"
COUNTY_BOUNDS = (117.32, 32.62, 117.95, 33.05)  # west, south, east, north

# (code suffix, name, south-west corner lon/lat, communities)
TOWNS: tuple[tuple[str, str, tuple[float, float], tuple[str, ...]], ...] = (
    ("100", "府城镇", (117.530, 32.850), ("东华社区", "鼓楼社区", "钟楼社区", "凤凰社区")),
    ("101", "临淮关镇", (117.610, 32.900), ("淮河社区", "临淮社区", "新街社区")),
)
COMMUNITY_SIZE_DEG = (0.020, 0.016)  # lon, lat: about 1.9 km x 1.8 km
GRID_COLUMNS, GRID_ROWS = 4, 2
COMPOUND_NAMES = ("凤凰熙岸", "香悦淮畔", "钟楼花园", "鼓楼新村", "淮畔人家", "东华苑")


def _rectangle(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _feature(
    code: str, name: str, level: str, parent: str | None, geometry: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent},
    }


def demo_grids() -> dict[str, Any]:
    """The demo county as a FeatureCollection: 1 county, 2 towns, 7 communities, 56 grids."""
    features = [_feature(COUNTY_CODE, COUNTY_NAME, "county", None, _rectangle(*COUNTY_BOUNDS))]
    width, height = COMMUNITY_SIZE_DEG
    compound_names = iter(COMPOUND_NAMES)
    for suffix, town_name, (town_west, town_south), communities in TOWNS:
        town_code = COUNTY_CODE + suffix
        town_east = town_west + width * len(communities)
        features.append(
            _feature(
                town_code,
                town_name,
                "street",
                COUNTY_CODE,
                _rectangle(town_west, town_south, town_east, town_south + height),
            )
        )
        for c_index, community_name in enumerate(communities):
            community_code = f"{town_code}{c_index + 1:03d}"
            west = town_west + c_index * width
            features.append(
                _feature(
                    community_code,
                    community_name,
                    "community",
                    town_code,
                    _rectangle(west, town_south, west + width, town_south + height),
                )
            )
            cell_w, cell_h = width / GRID_COLUMNS, height / GRID_ROWS
            for g_index in range(GRID_COLUMNS * GRID_ROWS):
                column, row = g_index % GRID_COLUMNS, g_index // GRID_COLUMNS
                grid_west, grid_south = west + column * cell_w, town_south + row * cell_h
                name = next(compound_names, None)
                grid_name = f"{name}小区网格" if name else f"{community_name}第{g_index + 1}网格"
                features.append(
                    _feature(
                        f"{community_code}{g_index + 1:03d}",
                        grid_name,
                        "grid",
                        community_code,
                        _rectangle(grid_west, grid_south, grid_west + cell_w, grid_south + cell_h),
                    )
                )
    return {"type": "FeatureCollection", "features": features}
