"""The map endpoints: the tile setting, grids with counts, the viewport's markers or clusters,
hotspots; each scoped to the caller's areas."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.models import Task
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.main import create_app
from app.maps import service
from app.reports.states import ReportStatus
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import COMMUNITY, GRID, GRID_POINT, make_unit
from tests.fixtures.people import People
from tests.fixtures.reports import make_report

OTHER_GRID = "341126101001001"  # 淮河社区第1网格, in the other town
OTHER_POINT = (117.6125, 32.904)
NEXT_GRID = "341126100001002"  # beside GRID, in the same community
NEXT_POINT = (117.5375, 32.854)
# The demo county's box, and one around GRID alone.
COUNTY_BOX = "117.32,32.62,117.95,33.05"
GRID_BOX = "117.53,32.85,117.535,32.858"


def _features(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/map/grids", headers=headers)
    assert response.status_code == 200, response.text
    return {f["properties"]["code"]: f for f in response.json()["features"]}


def _viewport(client: TestClient, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = client.get("/api/v1/map/reports", params=query, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_config_has_no_tiles_by_default(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/map/config", headers=people.rider.headers)
    assert response.json() == {
        "tile_url": None,
        "crs": "wgs84",
        "attribution": "",
        "subdomains": "abc",
    }
    assert client.get("/api/v1/map/config").status_code == 401


def test_configured_tiles_are_published_and_allowed_as_images(
    database_url: str, tmp_path: Path, people: People
) -> None:
    template = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k"
    settings = make_settings(
        database_url, tmp_path / "tiles", map_tile_url=template, map_tile_crs="gcj02"
    )
    runtime = Runtime.from_settings(settings)
    try:
        with english_client(create_app(runtime=runtime)) as client:
            config = client.get("/api/v1/map/config", headers=people.rider.headers)
            console = client.get("/console/")
    finally:
        runtime.engine.dispose()
    assert config.json()["tile_url"] == template
    assert config.json()["crs"] == "gcj02"
    assert (
        "img-src 'self' data: blob: https://*.tianditu.gov.cn;"
        in (console.headers["content-security-policy"])
    )


def test_grids_carry_open_and_overdue_counts_of_the_callers_areas_only(
    client: TestClient, session: Session, people: People
) -> None:
    rider = people.rider.id
    make_report(session, rider)
    make_report(session, rider, status=ReportStatus.ACCEPTED)
    make_report(session, rider, status=ReportStatus.CLOSED)
    dispatched = make_report(session, rider, status=ReportStatus.DISPATCHED)
    make_report(session, rider, grid=NEXT_GRID, point=NEXT_POINT)
    make_report(session, rider, grid=OTHER_GRID, point=OTHER_POINT)
    unit = make_unit(session, "wy-map")
    assert unit.id is not None
    assert dispatched.id is not None
    session.add(
        Task(
            report_id=dispatched.id,
            unit_id=unit.id,
            due_at=utcnow() - timedelta(hours=1),
            dispatched_by_id=people.coordinator.id,
        )
    )
    session.commit()

    mine = _features(client, people.coordinator.headers)
    assert OTHER_GRID not in mine
    assert len(mine) == 8
    assert mine[GRID]["properties"] == {
        "code": GRID,
        "name": "凤凰熙岸小区网格",
        "parent_code": COMMUNITY,
        "open": 3,
        "overdue": 1,
    }
    assert mine[GRID]["geometry"]["type"] == "Polygon"
    assert mine[NEXT_GRID]["properties"]["open"] == 1
    assert mine[NEXT_GRID]["properties"]["overdue"] == 0
    theirs = _features(client, people.other_coordinator.headers)
    assert GRID not in theirs
    assert theirs[OTHER_GRID]["properties"]["open"] == 1
    assert len(_features(client, people.admin.headers)) == 56


def test_riders_and_units_may_not_read_the_map_of_reports(
    client: TestClient, people: People
) -> None:
    for person in (people.rider, people.unit):
        assert client.get("/api/v1/map/grids", headers=person.headers).status_code == 403
        response = client.get(
            "/api/v1/map/reports", params={"bbox": COUNTY_BOX, "zoom": 12}, headers=person.headers
        )
        assert response.status_code == 403


def test_a_few_reports_come_as_markers_within_the_box_and_scope(
    client: TestClient, session: Session, people: People
) -> None:
    rider = people.rider.id
    inside = make_report(session, rider, urgent=True)
    make_report(session, rider, status=ReportStatus.CLOSED)
    make_report(session, rider, grid=NEXT_GRID, point=NEXT_POINT)
    make_report(session, rider, grid=OTHER_GRID, point=OTHER_POINT)

    in_grid = _viewport(client, people.coordinator.headers, bbox=GRID_BOX, zoom=16)
    assert in_grid["total"] == 1
    assert in_grid["clusters"] == []
    assert in_grid["cell_deg"] is None
    assert in_grid["markers"] == [
        {
            "id": inside.id,
            "lat": GRID_POINT[1],
            "lon": GRID_POINT[0],
            "status": "submitted",
            "urgent": True,
            "category": inside.category_code,
            "grid_code": GRID,
        }
    ]
    county = _viewport(client, people.coordinator.headers, bbox=COUNTY_BOX, zoom=12)
    assert county["total"] == 2  # the other town's report is outside the coordinator's areas
    closed = _viewport(
        client, people.coordinator.headers, bbox=COUNTY_BOX, zoom=12, status="closed"
    )
    assert closed["total"] == 1
    assert closed["markers"][0]["status"] == "closed"
    not_urgent = _viewport(
        client, people.coordinator.headers, bbox=COUNTY_BOX, zoom=12, urgent="false"
    )
    assert [m["grid_code"] for m in not_urgent["markers"]] == [NEXT_GRID]
    assert _viewport(client, people.admin.headers, bbox=COUNTY_BOX, zoom=12)["total"] == 3


def test_many_reports_come_as_clusters_that_split_as_the_map_zooms_in(
    client: TestClient, session: Session, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_MARKERS", 3)
    rider = people.rider.id
    for _ in range(3):
        make_report(session, rider)
    make_report(session, rider, status=ReportStatus.ACCEPTED)
    for _ in range(2):
        make_report(session, rider, grid=NEXT_GRID, point=NEXT_POINT)

    far = _viewport(client, people.coordinator.headers, bbox=COUNTY_BOX, zoom=10)
    assert far["total"] == 6
    assert far["markers"] == []
    assert far["cell_deg"] == pytest.approx(360 / 2**10 / 4)
    assert [(c["count"], c["by_status"]) for c in far["clusters"]] == [
        (6, {"submitted": 5, "accepted": 1})
    ]
    assert far["clusters"][0]["lon"] == pytest.approx((4 * GRID_POINT[0] + 2 * NEXT_POINT[0]) / 6)
    near = _viewport(client, people.coordinator.headers, bbox=COUNTY_BOX, zoom=17)
    assert sorted(c["count"] for c in near["clusters"]) == [2, 4]
    assert {(c["lat"], c["lon"]) for c in near["clusters"]} == {
        (GRID_POINT[1], GRID_POINT[0]),
        (NEXT_POINT[1], NEXT_POINT[0]),
    }


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "117.6,32.6,117.5,33.0", "117,32,190,33", "nan,32,118,33"]
)
def test_a_malformed_box_is_a_422_naming_it(client: TestClient, people: People, bbox: str) -> None:
    response = client.get(
        "/api/v1/map/reports", params={"bbox": bbox, "zoom": 12}, headers=people.admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bbox"


def test_hotspots_count_the_periods_reports_per_grid_as_stats_does(
    client: TestClient, session: Session, people: People
) -> None:
    rider = people.rider.id
    now = utcnow()
    for _ in range(3):
        make_report(session, rider, created_at=now - timedelta(days=2))
    make_report(session, rider, grid=NEXT_GRID, point=NEXT_POINT, created_at=now)
    make_report(session, rider, created_at=now - timedelta(days=40))
    make_report(session, rider, grid=OTHER_GRID, point=OTHER_POINT)
    since = (now - timedelta(days=10)).isoformat()
    query = {"from": since}

    response = client.get("/api/v1/map/hotspots", params=query, headers=people.coordinator.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["code"], i["received"]) for i in items] == [(GRID, 3), (NEXT_GRID, 1)]
    stats = client.get("/api/v1/stats", params=query, headers=people.coordinator.headers).json()
    assert sum(i["received"] for i in items) == stats["received"]
    one_grid = client.get(
        "/api/v1/map/hotspots", params={"area": NEXT_GRID}, headers=people.coordinator.headers
    )
    assert [i["code"] for i in one_grid.json()["items"]] == [NEXT_GRID]
    outside = client.get(
        "/api/v1/map/hotspots", params={"area": OTHER_GRID}, headers=people.coordinator.headers
    )
    assert outside.status_code == 403
