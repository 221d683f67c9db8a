"""GET /map/outlines: the grid outlines a rider's phone keeps for naming grids and refusing
points outside the service area offline; small, revalidated with an ETag, fresh after an import."""

import json
from typing import Any

from fastapi.testclient import TestClient
from shapely.geometry import Point, shape

from app.grids.geometry import interior_point, parse_grid_geometry
from tests.factories import COMMUNITY, GRID, GRID_POINT, assert_problem
from tests.fixtures.people import People

NEW_GRID = "341126100001099"
NEW_GRID_SQUARE = [
    [117.70, 32.70],
    [117.71, 32.70],
    [117.71, 32.71],
    [117.70, 32.71],
    [117.70, 32.70],
]


def _outlines(client: TestClient, headers: dict[str, str]) -> Any:
    response = client.get("/api/v1/map/outlines", headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_a_rider_gets_every_grid_and_community_with_the_service_areas_distance(
    client: TestClient, people: People
) -> None:
    body = _outlines(client, people.rider.headers).json()
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    assert body["max_distance_m"] == 5_000
    assert {f["properties"]["level"] for f in body["features"]} == {"grid", "community"}
    assert by_code[GRID]["properties"]["parent_code"] == COMMUNITY
    assert shape(by_code[GRID]["geometry"]).contains(Point(GRID_POINT))
    full = client.get("/api/v1/grids", headers=people.rider.headers).json()["features"]
    exact = {f["properties"]["code"]: f for f in full}
    for code, feature in by_code.items():
        # Simplified, each outline still holds the inside of its exact grid.
        assert shape(feature["geometry"]).contains(
            Point(interior_point(parse_grid_geometry(exact[code]["geometry"])))
        ), code
    assert_problem(client.get("/api/v1/map/outlines"), 401)


def test_the_etag_answers_304_until_an_import_changes_the_grids(
    client: TestClient, people: People
) -> None:
    first = _outlines(client, people.rider.headers)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    unchanged = client.get(
        "/api/v1/map/outlines", headers={**people.rider.headers, "If-None-Match": etag}
    )
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [NEW_GRID_SQUARE]},
                "properties": {
                    "code": NEW_GRID,
                    "name": "新划网格",
                    "level": "grid",
                    "parent_code": COMMUNITY,
                },
            }
        ],
    }
    imported = client.post("/api/v1/grids/import", json=collection, headers=people.admin.headers)
    assert imported.status_code == 200, imported.text
    changed = client.get(
        "/api/v1/map/outlines", headers={**people.rider.headers, "If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    codes = {f["properties"]["code"] for f in json.loads(changed.content)["features"]}
    assert NEW_GRID in codes
