"""Grid import, the GeoJSON map, locate in three coordinate systems, communities."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlmodel import Session, select

from app.accounts.models import Role
from app.cli import main as tantou
from app.demo.fengyang import demo_grids
from app.grids.crs import CoordinateSystem, from_wgs84
from app.grids.models import Grid
from tests.factories import assert_problem, login, make_account, seed_grids


@pytest.fixture
def admin(client: TestClient, session: Session) -> dict[str, str]:
    make_account(session, Role.ADMIN, "root")
    return login(client, "root")


def _grid_features() -> list[dict[str, Any]]:
    return [f for f in demo_grids()["features"] if f["properties"]["level"] == "grid"]


def test_import_creates_then_updates_by_code(client: TestClient, admin: dict[str, str]) -> None:
    collection = demo_grids()
    first = client.post("/api/v1/grids/import", json=collection, headers=admin)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": len(collection["features"]), "updated": 0}
    collection["features"][-1]["properties"]["name"] = "改名网格"
    second = client.post("/api/v1/grids/import", json=collection, headers=admin)
    assert second.json() == {"created": 0, "updated": len(collection["features"])}
    names = {
        f["properties"]["name"]
        for f in client.get("/api/v1/grids", headers=admin).json()["features"]
    }
    assert "改名网格" in names


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (lambda f: f["geometry"].update(type="Point", coordinates=[117.5, 32.8]), "Polygon"),
        (
            lambda f: f["geometry"].update(coordinates=[[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]),
            "valid",
        ),
        (
            lambda f: f["geometry"].update(coordinates=[[[190, 0], [191, 0], [191, 1], [190, 0]]]),
            "outside",
        ),
        (lambda f: f["properties"].update(parent_code="999999999999"), "parent"),
        (lambda f: f["properties"].update(level="village"), "level"),
    ],
)
def test_invalid_feature_refuses_the_whole_file(
    client: TestClient, admin: dict[str, str], session: Session, breakage: Any, reason: str
) -> None:
    collection = demo_grids()
    breakage(collection["features"][-1])
    body = assert_problem(client.post("/api/v1/grids/import", json=collection, headers=admin), 422)
    assert any(reason.lower() in e["message"].lower() for e in body["errors"]), body
    assert session.exec(select(Grid)).first() is None


def test_duplicate_codes_are_refused(client: TestClient, admin: dict[str, str]) -> None:
    collection = demo_grids()
    collection["features"].append(copy.deepcopy(collection["features"][-1]))
    body = assert_problem(client.post("/api/v1/grids/import", json=collection, headers=admin), 422)
    assert any("twice" in e["message"] for e in body["errors"])


def test_only_admins_import(client: TestClient, session: Session) -> None:
    seed_grids(session)
    make_account(session, Role.COORDINATOR, "coord", areas=("341126100",))
    response = client.post(
        "/api/v1/grids/import", json=demo_grids(), headers=login(client, "coord")
    )
    assert_problem(response, 403)


def test_grids_are_rfc7946_geojson(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    seed_grids(session)
    body = client.get("/api/v1/grids", headers=admin).json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert set(feature["properties"]) == {"code", "name", "level", "parent_code"}
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert shape(feature["geometry"]).is_valid


@pytest.mark.parametrize("crs", list(CoordinateSystem))
def test_every_grid_interior_point_locates_to_that_grid(
    client: TestClient, admin: dict[str, str], session: Session, crs: CoordinateSystem
) -> None:
    seed_grids(session)
    for feature in _grid_features():
        point = shape(feature["geometry"]).representative_point()
        lon, lat = from_wgs84(point.x, point.y, crs)
        response = client.get(
            "/api/v1/grids/locate", params={"lat": lat, "lon": lon, "crs": crs.value}, headers=admin
        )
        assert response.status_code == 200
        assert response.json()["grid"]["code"] == feature["properties"]["code"], crs


def test_point_inside_county_but_in_no_grid_has_grid_null(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    seed_grids(session)
    # Inside the county rectangle, far from both towns.
    response = client.get("/api/v1/grids/locate", params={"lat": 33.0, "lon": 117.4}, headers=admin)
    assert response.status_code == 200
    assert response.json()["grid"] is None


@pytest.mark.parametrize(("lat", "lon"), [(91, 117.5), (32.8, 181), (-91, 0), (0, -181)])
def test_out_of_range_point_is_422_problem(
    client: TestClient, admin: dict[str, str], lat: float, lon: float
) -> None:
    response = client.get("/api/v1/grids/locate", params={"lat": lat, "lon": lon}, headers=admin)
    body = assert_problem(response, 422)
    assert body["errors"]


def test_locate_needs_an_account(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/grids/locate", params={"lat": 32.8, "lon": 117.5}), 401)


def test_communities_are_public_with_their_street(client: TestClient, session: Session) -> None:
    seed_grids(session)
    items = client.get("/api/v1/communities").json()["items"]
    assert len(items) == 7
    assert items[0] == {
        "code": "341126100001",
        "name": "东华社区",
        "street_code": "341126100",
        "street_name": "府城镇",
    }


def test_cli_import_grids_reports_refusals_and_imports_a_valid_file(
    tmp_path: Path,
    empty_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TANTOU_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("TANTOU_DATA_DIR", str(tmp_path))
    bad = demo_grids()
    bad["features"][3]["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    (tmp_path / "bad.geojson").write_text(json.dumps(bad), encoding="utf-8")
    assert tantou(["import-grids", str(tmp_path / "bad.geojson")]) == 1
    assert "features[3]" in capsys.readouterr().err
    (tmp_path / "good.geojson").write_text(json.dumps(demo_grids()), encoding="utf-8")
    assert tantou(["import-grids", str(tmp_path / "good.geojson")]) == 0
    assert "66 created" in capsys.readouterr().out
