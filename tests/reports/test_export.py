"""Exports of the queue: what a coordinator downloads is what the queue shows, in every format,
and nothing the caller may not see."""

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.clock import utcnow
from app.reports import export
from app.reports.models import Channel, Report
from app.reports.states import ReportStatus
from tests.apikeys.factories import issue_key
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report

EXPORT = "/api/v1/reports/export"
OTHER_GRID = "341126101001001"  # 淮河社区第1网格, in the other town
OTHER_POINT = (117.6125, 32.904)


@pytest.fixture
def queue(session: Session, people: People) -> list[Report]:
    """Five reports of the coordinator's community, one of them urgent and one a formula."""
    now = utcnow()
    rider = people.rider.id
    reports = [
        make_report(session, rider, description=f"第{n}处垃圾", created_at=now - timedelta(hours=n))
        for n in range(3)
    ]
    reports.append(
        make_report(
            session,
            rider,
            description='=HYPERLINK("http://evil.example","点这里")',
            created_at=now - timedelta(hours=4),
        )
    )
    reports.append(
        make_report(
            session,
            people.coordinator.id,
            description="来电反映占道经营",
            urgent=True,
            status=ReportStatus.ACCEPTED,
            channel=Channel.PHONE,
            caller_name="王女士",
            caller_phone="13912345678",
            created_at=now - timedelta(hours=5),
        )
    )
    make_report(session, rider, grid=OTHER_GRID, point=OTHER_POINT, description="别的镇")
    return reports


def queue_ids(client: TestClient, headers: dict[str, str], **params: str) -> list[int]:
    page = client.get("/api/v1/reports", params=params | {"limit": "100"}, headers=headers)
    assert page.status_code == 200, page.text
    return [item["id"] for item in page.json()["items"]]


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_the_queue_row_for_row(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    headers = people.coordinator.headers

    response = client.get(EXPORT, params={"format": "csv"}, headers=headers)

    header, *rows = csv_rows(response)
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="tantou-reports-' in response.headers["content-disposition"]
    assert header == export.HEADER
    assert [int(row[0]) for row in rows] == queue_ids(client, headers)
    urgent = next(row for row in rows if row[0] == str(queue[4].id))
    assert urgent[2:4] == ["accepted", "已受理"]
    assert urgent[header.index("紧急 urgent")] == "true"
    assert urgent[header.index("网格 grid")] == "凤凰熙岸小区网格"


def test_no_cell_is_a_formula_and_no_caller_leaves(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    response = client.get(EXPORT, headers=people.coordinator.headers)

    header, *rows = csv_rows(response)
    descriptions = {row[0]: row[header.index("描述 description")] for row in rows}
    assert descriptions[str(queue[3].id)] == "'" + queue[3].description
    assert "13912345678" not in response.text
    assert "王女士" not in response.text


def test_the_filter_of_the_queue_is_the_filter_of_the_export(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    headers = people.coordinator.headers
    for params in ({"status": "submitted"}, {"urgent": "true"}, {"q": "垃圾"}):
        _, *rows = csv_rows(client.get(EXPORT, params=params, headers=headers))
        assert [int(row[0]) for row in rows] == queue_ids(client, headers, **params), params


def test_a_long_export_walks_every_batch_once(
    client: TestClient, people: People, queue: list[Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH", 2)
    headers = people.coordinator.headers

    _, *rows = csv_rows(client.get(EXPORT, headers=headers))

    assert [int(row[0]) for row in rows] == queue_ids(client, headers)


def test_the_xlsx_reads_back_as_the_same_rows(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    headers = people.coordinator.headers

    response = client.get(EXPORT, params={"format": "xlsx"}, headers=headers)

    assert response.status_code == 200, response.text
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    [sheet] = workbook.worksheets
    assert sheet.title == export.SHEET_NAME
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == export.HEADER
    assert [row[0] for row in rows] == queue_ids(client, headers)
    by_id = {row[0]: row for row in rows}
    formula = by_id[queue[3].id]
    assert formula[header.index("描述 description")] == queue[3].description  # text, not run
    created = by_id[queue[0].id][1]
    assert isinstance(created, datetime)
    local = queue[0].created_at.astimezone(client.app.state.runtime.work_calendar().tz)  # type: ignore[attr-defined]
    assert abs(created - local.replace(tzinfo=None)) < timedelta(seconds=1)


def test_the_geojson_puts_each_report_at_its_point(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    headers = people.coordinator.headers

    response = client.get(EXPORT, params={"format": "geojson"}, headers=headers)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["properties"]["id"] for f in features] == queue_ids(client, headers)
    first = next(f for f in features if f["properties"]["id"] == queue[0].id)
    assert first["geometry"] == {"type": "Point", "coordinates": [queue[0].lon, queue[0].lat]}
    assert first["properties"]["category_name"]


def test_another_towns_coordinator_exports_none_of_it(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    _, *rows = csv_rows(client.get(EXPORT, headers=people.other_coordinator.headers))

    assert [row[header_index("描述 description")] for row in rows] == ["别的镇"]


def test_riders_and_units_cannot_export(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    for person in (people.rider, people.unit):
        response = client.get(EXPORT, headers=person.headers)
        assert response.status_code == 403, person.username
        assert_problem(response, 403)
    assert client.get(EXPORT).status_code == 401


def test_an_unknown_format_is_refused(client: TestClient, people: People) -> None:
    response = client.get(EXPORT, params={"format": "pdf"}, headers=people.coordinator.headers)

    assert_problem(response, 422)


def header_index(name: str) -> int:
    return export.HEADER.index(name)


def test_an_integrator_exports_with_a_key_that_reads_reports(
    client: TestClient, people: People, queue: list[Report]
) -> None:
    reader = issue_key(client, people.admin, "reports:read")
    writer_only = issue_key(client, people.admin, "reports:write", name="只写")

    _, *rows = csv_rows(client.get(EXPORT, headers=reader.headers))

    assert len(rows) == len(queue) + 1  # an admin's key: the other town's report too
    assert_problem(client.get(EXPORT, headers=writer_only.headers), 403)
