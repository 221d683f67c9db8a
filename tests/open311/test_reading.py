"""Open311 GeoReport v2 reading, driven by an independent client (the `georeport` package)."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
import xmltodict
from fastapi.testclient import TestClient
from georeport import GeoReport
from sqlmodel import Session

from app.categories.service import list_categories
from app.core.clock import utcnow
from tests.cases.factories import Steps
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE, make_report
from tests.reports.factories import post_report, redact_taken_photos, small_jpeg

FORMATS = ["json", "xml"]


def as_list(value: Any) -> list[Any]:
    """xmltodict reads one repeated element as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(
    open311_url: str, session: Session, people: People, fmt: str
) -> None:
    services = as_list(GeoReport(open311_url, output_format=fmt).get_service_list())
    expected = {c.code: c for c in list_categories(session)}
    assert {s["service_code"] for s in services} == set(expected)
    garbage = next(s for s in services if s["service_code"] == GARBAGE)
    assert garbage["service_name"] == expected[GARBAGE].name_zh
    assert garbage["group"] == expected[GARBAGE].group_name_zh
    assert garbage["type"] == "realtime"
    assert str(garbage["metadata"]).lower() == "true"
    assert expected[GARBAGE].name_en in garbage["keywords"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_offers_the_urgent_attribute(
    open311_url: str, people: People, fmt: str
) -> None:
    definition = GeoReport(open311_url, output_format=fmt).get_service_definition(GARBAGE)
    assert definition["service_code"] == GARBAGE
    attributes = definition["attributes"]
    attribute = as_list(attributes["attribute"] if fmt == "xml" else attributes)[0]
    assert attribute["code"] == "urgent"
    assert attribute["datatype"] == "singlevaluelist"
    values = attribute["values"]["value"] if fmt == "xml" else attribute["values"]
    assert {v["key"] for v in values} == {"true", "false"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_case_reads_back_with_its_agency_deadline_and_status(
    open311_url: str, session: Session, people: People, steps: Steps, fmt: str
) -> None:
    report = make_report(session, people.rider.id)
    assert report.id is not None
    steps.accept(report.id)
    task = steps.dispatch(report.id, people.property_unit)
    client = GeoReport(open311_url, output_format=fmt)

    request = client.get_service_request(str(report.id))
    assert request["service_request_id"] == str(report.id)
    assert request["status"] == "open"
    assert request["status_notes"] == "已派单"
    assert request["agency_responsible"] == f"单位{people.property_unit.username[5:]}"
    assert request["expected_datetime"].startswith(task["due_at"][:19])
    assert request["service_code"] == GARBAGE
    assert float(request["lat"]) == pytest.approx(report.lat)
    assert float(request["long"]) == pytest.approx(report.lon)
    assert "小时" in request["service_notice"]

    steps.take(task["id"], people.property_unit)
    steps.complete(task["id"], people.property_unit)
    steps.approve(report.id)
    closed = client.get_service_request(str(report.id))
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已办结"


def test_filters_by_id_code_status_and_date(
    open311_url: str, session: Session, people: People, steps: Steps
) -> None:
    open_one = make_report(session, people.rider.id)
    rejected = make_report(session, people.rider.id, category_code="0104")
    old = make_report(session, people.rider.id, created_at=utcnow() - timedelta(days=120))
    assert open_one.id is not None
    assert rejected.id is not None
    assert old.id is not None
    steps.reject(rejected.id, reason="重复上报")
    client = GeoReport(open311_url)

    def ids(**filters: str) -> set[int]:
        return {int(r["service_request_id"]) for r in client.get_service_requests(**filters)}

    assert ids() == {open_one.id, rejected.id}  # the last 90 days by default
    assert ids(status="closed") == {rejected.id}
    assert ids(status="open,closed") == {open_one.id, rejected.id}
    assert ids(service_code="0104") == {rejected.id}
    assert ids(service_request_id=f"{old.id},{open_one.id}") == {old.id, open_one.id}
    start = (utcnow() - timedelta(days=130)).isoformat()
    end = (utcnow() - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {old.id}
    notes = client.get_service_request(str(rejected.id))["status_notes"]
    assert notes == "已驳回：重复上报"


def test_no_personal_data_of_reporters_or_callers(
    open311_url: str, client: TestClient, session: Session, people: People
) -> None:
    coordinator = people.coordinator
    recorded = post_report(
        client,
        coordinator.headers,
        (),
        channel="phone",
        caller_name="王先生",
        caller_phone="13912345678",
    )
    assert recorded.status_code == 201, recorded.text
    make_report(session, people.rider.id)
    body = httpx.get(f"{open311_url}/requests.json").text
    assert "13912345678" not in body
    assert "王先生" not in body
    assert people.rider.username not in body
    assert coordinator.username not in body
    assert len(httpx.get(f"{open311_url}/requests.json").json()) == 2


def test_media_url_is_an_absolute_link_to_the_served_photo(
    open311_url: str, client: TestClient, people: People
) -> None:
    sent = post_report(client, people.rider.headers, (small_jpeg(),))
    assert sent.status_code == 201, sent.text
    redact_taken_photos(client)  # a photo has no link until it is redacted
    request = GeoReport(open311_url).get_service_request(str(sent.json()["id"]))
    photo = httpx.get(request["media_url"])
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("requests/999999.json", 404),
        ("requests/99999999999999.json", 404),
        ("requests/abc.json", 404),
        ("services/9999.json", 404),
        ("requests.yaml", 404),
        ("requests.json?status=pending", 400),
        ("requests.json?start_date=yesterday", 400),
        ("requests.json?start_date=0001-01-01T00:00:00Z", 400),
        ("requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", 400),
    ],
)
def test_errors_are_the_specs_list_with_its_status(
    open311_url: str, people: People, path: str, code: int
) -> None:
    response = httpx.get(f"{open311_url}/{path}")
    assert response.status_code == code
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()
    assert error["code"] == code
    assert error["description"]


def test_errors_in_xml_when_xml_was_asked_for(open311_url: str, people: People) -> None:
    response = httpx.get(f"{open311_url}/requests/999999.xml")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/xml")
    error = xmltodict.parse(response.content)["errors"]["error"]
    assert error["code"] == "404"
    assert error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_and_its_formats(open311_url: str, fmt: str) -> None:
    response = httpx.get(f"{open311_url}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        endpoint = response.json()["endpoints"][0]
        formats = endpoint["formats"]
    else:
        endpoint = xmltodict.parse(response.content)["discovery"]["endpoints"]["endpoint"]
        formats = endpoint["formats"]["format"]
    assert endpoint["url"] == open311_url
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(formats) == {"application/json", "text/xml"}
